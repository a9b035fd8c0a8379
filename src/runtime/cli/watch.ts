/**
 * Watching an app's sources for `serve --watch` and `invoke --watch`: the
 * files the last synth read (`watchFiles`), or, when it recorded none,
 * fs.watch on every folder under the project (node_modules, .git, cdk.out
 * and the assembly left out, so no watch is spent on dependencies), new
 * folders picked up as they appear. Bursts of changes are reported once.
 */
import { FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

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

/**
 * Calls `onChange(file)` (relative to `root`) once per burst of changes of
 * `files`: the folders holding them are watched and events for other names
 * dropped, so a log file written beside a source (`serve --watch > serve.log`)
 * is no change.
 */
export function watchFiles(root: string, files: readonly string[], onChange: (file: string) => void, delayMs = 300): SourceWatcher {
  const wanted = new Set(files.map((f) => resolve(f)));
  const folders = new Set([...wanted].map((f) => dirname(f)));
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  for (const dir of folders) {
    try {
      const w = watch(dir, (_event, name) => {
        if (!name) return;
        const full = join(dir, name.toString());
        if (!wanted.has(full)) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => onChange(relative(root, full)), delayMs);
      });
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // a folder gone since the synth: nothing to watch there
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

/**
 * Watches what the last synthesis read (`lastSynthReads()`: the app's module
 * graph and every bundle's inputs, without what git ignores), or, when
 * nothing was recorded, every folder under `root` but the assembly.
 */
export function watchSynthInputs(
  root: string, reads: readonly string[], assembly: string, say: (line: string) => void, onChange: (file: string) => void,
): SourceWatcher {
  if (reads.length > 0) {
    say(`ts-lambda: watching the ${reads.length} files the synth read (the app's modules and the bundles' inputs)`);
    return watchFiles(root, reads, onChange);
  }
  say(`ts-lambda: the synth recorded no files it read (an app not run by Node.js?); watching every folder under ${root}`);
  return watchSources(root, [assembly], onChange);
}

/**
 * `run` made safe to call from file events: one run at a time, and the
 * calls that come during a run make one more run after it (three saves
 * during a synth give one more synth, not three).
 */
export function oneAtATime(run: () => Promise<void>): () => Promise<void> {
  let running = false;
  let again = false;
  const call = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await run();
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      await call();
    }
  };
  return call;
}
