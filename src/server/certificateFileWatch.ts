/**
 * A listening server whose certificate files change (regenerated, rewritten by a repair, replaced by a
 * tool) is looked at again within about a second: the folders of the certificate files endpoints declare
 * are watched (a folder, not the file: tools replace files by renaming, which ends a file watch).
 * Files outside the workspace (~/.aspnet/https, a dev server's certs folder) are watched too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const DEBOUNCE_MS = 300;

export class CertificateFileWatch {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  /** Watched file (absolute) → the listener keys of the endpoints that serve it. */
  private users = new Map<string, Set<string>>();
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly changed: (keys: string[]) => void, private readonly log: (m: string) => void = () => {}) {}

  /** What to watch now: each certificate file with the endpoints using it. Folders no longer needed are let go. */
  update(files: Map<string, Set<string>>): void {
    this.users = files;
    const dirs = new Set([...files.keys()].map(f => path.dirname(f)));
    for (const [dir, w] of this.watchers) if (!dirs.has(dir)) { w.close(); this.watchers.delete(dir); }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = fs.watch(dir, { persistent: false }, (_event, name) => this.onEvent(dir, name?.toString()));
        w.on('error', () => { w.close(); this.watchers.delete(dir); });
        this.watchers.set(dir, w);
      } catch (err) {
        this.log(`cannot watch ${dir}: ${(err as Error).message}`);
      }
    }
  }

  private onEvent(dir: string, name: string | undefined): void {
    for (const [file, keys] of this.users) {
      if (path.dirname(file) !== dir || (name && path.basename(file) !== name)) continue;
      for (const k of keys) this.pending.add(k);
    }
    if (!this.pending.size) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const keys = [...this.pending];
      this.pending.clear();
      this.changed(keys);
    }, DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
