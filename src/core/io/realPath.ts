/**
 * Where a path really leads. A repair writes to real paths only: a plan names the real place (so what the
 * user consents to is where the bytes go), and a write whose folder turns out to be reached through a
 * link — a `.devcert/` or project folder that points elsewhere, swapped in after the plan was shown — is
 * refused rather than followed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The real path of `p`: its nearest existing ancestor resolved (links followed), the rest appended. */
export function realTarget(p: string): string {
  // Another platform's path (a plan rendered for Windows here): nothing of this machine to resolve.
  if (!path.isAbsolute(p)) return p;
  const rest: string[] = [];
  let dir = p;
  for (;;) {
    try { return path.join(fs.realpathSync.native(dir), ...rest.reverse()); } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return p;
      rest.push(path.basename(dir));
      dir = parent;
    }
  }
}

/** `p` is its own real path: no folder on the way is a link (the file itself may be one: writes replace it). */
export function isRealPath(p: string): boolean {
  if (!path.isAbsolute(p)) return true;
  const parent = path.dirname(p);
  return realTarget(parent) === parent;
}

/** The real path of `target` when it is inside the real path of `root`; undefined when it leads elsewhere. */
export function containedTarget(root: string, target: string): string | undefined {
  // Another platform's plan: its folders are not on this machine to follow.
  if (!path.isAbsolute(root) || !path.isAbsolute(target)) return target;
  const real = realTarget(target);
  return isInsideFolder(real, realTarget(root)) ? real : undefined;
}

/** `real` is `realRoot` or below it (both already real paths; a child named `..x` is inside). */
export function isInsideFolder(real: string, realRoot: string): boolean {
  const rel = path.relative(realRoot, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
