/**
 * Finds the function named by `_HANDLER` (`path/to/module.export.nested`)
 * under `LAMBDA_TASK_ROOT`, with the managed Node.js runtime's rules:
 * `..` is refused; the module is tried as an extensionless file, `.js`
 * (CommonJS, or ES module under a `"type": "module"` package.json), `.mjs`,
 * `.cjs`, then resolved as a package from the task root; failures become
 * `Runtime.ImportModuleError` (CommonJS only), `Runtime.UserCodeSyntaxError`,
 * `Runtime.HandlerNotFound` or `Runtime.MalformedHandlerName`.
 *
 * Up to nodejs22.x CommonJS files are loaded with `require()` and ES modules
 * with `import()`, as aws-lambda-ric 3.x does; from nodejs24.x on, and on
 * Managed Instances (runtime-rules.ts followsRic4Rules), every file
 * with `import()` (a CommonJS module's `module.exports` is its default
 * export), as 4.x does. Only `node:` builtins that Bun has too.
 */
import { handlerNotFound, importModuleError, malformedHandlerName, userCodeSyntaxError } from './errors';
import { followsRic4Rules } from './runtime-rules';
import { defineAwslambdaGlobal } from './stream/streamify';

/** A Lambda handler: `(event, context, callback?) => result | Promise<result>`. */
export type Handler = (event: unknown, context: unknown, callback: (err?: unknown, result?: unknown) => void) => unknown;

type Format = 'commonjs' | 'module';

export async function loadHandler(taskRoot: string, handlerString: string): Promise<Handler> {
  if (handlerString.includes('..')) {
    throw malformedHandlerName(`'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const base = handlerString.slice(handlerString.lastIndexOf('/') + 1);
  const moduleRoot = handlerString.slice(0, handlerString.length - base.length);
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match) throw malformedHandlerName('Bad handler');
  const [, moduleName, exportPath] = match;

  defineAwslambdaGlobal();
  const userModule = await loadUserModule(taskRoot, moduleRoot, moduleName);
  let handler;
  if (!followsRic4Rules()) {
    handler = exportPath.split('.').reduce<any>((object, key) => object && object[key], userModule);
  } else {
    // 4.x's rules (nodejs24.x on, Managed Instances): objects only, then under the default export too, so
    // `export default { handler }` is found (aws-lambda-ric 4.0.2 dist/function/handler-resolver.js)
    const find = (root: any) => exportPath.split('.').reduce<any>((object, key) => (object && typeof object === 'object' ? object[key] : undefined), root);
    handler = find(userModule);
    if (!handler && userModule && typeof userModule === 'object' && 'default' in userModule) {
      handler = find((userModule as { default: unknown }).default);
    }
  }
  if (!handler) throw handlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw handlerNotFound(`${handlerString} is not a function`);
  return handler as Handler;
}

async function loadUserModule(taskRoot: string, moduleRoot: string, moduleName: string): Promise<unknown> {
  const { existsSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const file = resolve(taskRoot, moduleRoot, moduleName);
  try {
    const jsFormat = await packageFormat(file);
    const candidates: Array<[string, Format]> = [
      [file, 'commonjs'],
      [`${file}.js`, jsFormat],
      [`${file}.mjs`, 'module'],
      [`${file}.cjs`, 'commonjs'],
    ];
    // require() from the runtime's own file, as the managed runtime's (its
    // "Require stack" names the runtime, /var/runtime/index.mjs on Lambda)
    const { createRequire } = await import('node:module');
    const require = createRequire(process.argv[1] ?? resolve(taskRoot, 'index.js'));
    for (const [path, format] of candidates) {
      if (!existsSync(path) || (await isDirectory(path))) continue;
      // up to nodejs22.x CommonJS candidates (extensionless, .js outside "type": "module",
      // .cjs) are require()d (aws-lambda-ric 3.3.0 UserFunction _tryRequire); 4.x
      // import()s every candidate (4.0.2 dist/function/module-loader.js)
      if (format === 'commonjs' && !followsRic4Rules()) return require(path);
      return await importFile(path);
    }
    // like require(): a package or a directory under the task root
    return require(require.resolve(moduleName, { paths: [taskRoot, resolve(taskRoot, moduleRoot)] }));
  } catch (err) {
    if (err instanceof SyntaxError) throw userCodeSyntaxError(err);
    // Only CommonJS's MODULE_NOT_FOUND becomes Runtime.ImportModuleError, with the
    // message "Error: Cannot find module 'x'\nRequire stack:\n- /var/task/index.js";
    // an ES module's ERR_MODULE_NOT_FOUND ("Cannot find package 'x' imported from
    // /var/task/index.mjs") is reported as it is, errorType `Error`
    // (aws-lambda-ric 4.0.2 index.mjs `loadModule`, 3.x dist/index.mjs the same).
    if ((err as { code?: string } | null)?.code === 'MODULE_NOT_FOUND') throw importModuleError(err);
    throw err;
  }
}

/** Imports a file: its module namespace (a CommonJS module's `module.exports` is its `default`). */
async function importFile(path: string): Promise<unknown> {
  const { pathToFileURL } = await import('node:url');
  return import(pathToFileURL(path).href);
}

async function isDirectory(path: string): Promise<boolean> {
  const { statSync } = await import('node:fs');
  return statSync(path).isDirectory();
}

/**
 * The format of a `.js` file: `module` when the nearest package.json says
 * `"type": "module"`; the search stops at node_modules and at the root.
 */
async function packageFormat(file: string): Promise<Format> {
  const { existsSync, readFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  let dir = dirname(file);
  for (;;) {
    if (dir.endsWith('/node_modules')) return 'commonjs';
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module' ? 'module' : 'commonjs';
      } catch {
        console.warn(`${manifest} cannot be read, it will be ignored for ES module detection purposes.`);
        return 'commonjs';
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return 'commonjs';
    dir = parent;
  }
}
