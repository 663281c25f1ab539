/** The operating systems a plan can be made for (a plan for another one is rendered, never run). */
export type Platform = 'linux' | 'darwin' | 'win32';
