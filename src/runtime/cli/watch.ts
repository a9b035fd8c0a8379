/**
 * Watching an app's sources for `serve --watch`: fs.watch on every folder
 * under the project (node_modules, .git, cdk.out and the assembly left
 * out, so no watch is spent on dependencies), new folders picked up as they
 * appear, and bursts of changes reported once.
 */
import { FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'cdk.out', '.cache', 'coverage']);
const MAX_FOLDERS = 5000;

export interface SourceWatcher {
  close(): void;
}

/** Calls `onChange(file)` (relative to `root`) once per burst of changes under `root`. */
export function watchSources(root: string, ignore: readonly string[], onChange: (file: string) => void, delayMs = 300): SourceWatcher {
  const ignored = ignore.map((p) => resolve(p));
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let pending: string | undefined;

  const skip = (full: string) => {
    const name = full.split(sep).pop() ?? '';
    return SKIP.has(name) || name.startsWith('.cdk-ts-lambda') || ignored.some((i) => full === i || full.startsWith(i + sep));
  };

  const add = (dir: string) => {
    if (watchers.has(dir) || watchers.size >= MAX_FOLDERS || skip(dir)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, (_event, name) => {
        if (!name) return;
        const full = join(dir, name.toString());
        // editors' temporary files, and what a synth itself writes
        if (skip(full) || /\.(tmp|swp)$|~$|(^|\/)cdk\.context\.json$/.test(full)) return;
        try {
          if (statSync(full).isDirectory()) scan(full);
        } catch {
          // removed: still a change
        }
        pending = relative(root, full);
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => onChange(pending!), delayMs);
      });
    } catch {
      return;
    }
    w.on('error', () => {
      w.close();
      watchers.delete(dir);
    });
    watchers.set(dir, w);
  };

  const scan = (dir: string) => {
    add(dir);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        const full = join(dir, e.name);
        if (!skip(full)) scan(full);
      }
    }
  };

  scan(resolve(root));
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
