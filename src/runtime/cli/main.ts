/**
 * `ts-lambda`: run the Lambda functions of a synthesized CDK app locally,
 * and serve its HTTP APIs (authorizers included), with no Docker and no AWS
 * account. Works from a cloud assembly (`cdk.out`), or synthesizes one with
 * `--app`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Assembly, FunctionInfo, readAssembly, TRIGGER_EVENTS } from './assembly';
import { EMPTY_ENV_FILE, EnvFile, readEnvFile } from './env';
import { CliError } from './errors';
import { SAMPLE_EVENTS, sampleEvent } from './events';
import { findFunction, shortName } from './find';
import { EmulatorRunner } from './runner';
import { serve } from './serve';
import { synthesize } from './synth';

const USAGE = `Usage: ts-lambda <command> [options]

Commands:
  list                         the Lambda functions of the assembly
  invoke <function> [-]        run a function with an event; result on stdout (streamed ones as they arrive), logs on stderr
  events [NAME]                list the bundled sample events, or print one
  serve                        serve the HTTP APIs (and function URLs) of the assembly on localhost

<function> is a construct path (MyStack/Api/Handler), a logical id, or an unambiguous suffix of the path.

Options:
  --assembly DIR        the cloud assembly to read (default: cdk.out)
  --app CMD             synthesize the app first with the cdk CLI (e.g. --app "npx tsx bin/app.ts")
  --env-file FILE       variables for the functions: dotenv, or JSON ({"KEY": "v"} or {"<function>": {"KEY": "v"}})
  --arch arm64          run arm64 functions under qemu-user (with an arm64 Node.js) instead of natively
  --region REGION       AWS_REGION of the functions (default: us-east-1)
  invoke:
    --event FILE, -e    the event (JSON file; '-' reads stdin)
    --example NAME      a bundled sample event (see \`ts-lambda events\`)
  list:
    --json              print JSON
  serve:
    --port N, -p        first port (default: 9000; 0 for any free port); one port per HTTP API
    --host HOST         address to listen on (default: 127.0.0.1)
    --watch             re-synthesize (needs --app) and reload when source files change
  --help, -h            this help
`;

/** Messages for people go to stderr. */
function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'assembly': { type: 'string' },
        'app': { type: 'string' },
        'env-file': { type: 'string' },
        'arch': { type: 'string' },
        'region': { type: 'string' },
        'event': { type: 'string', short: 'e' },
        'example': { type: 'string' },
        'json': { type: 'boolean' },
        'port': { type: 'string', short: 'p' },
        'host': { type: 'string' },
        'watch': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nRun \`ts-lambda --help\` for the options.`, 2);
  }
}

export type Options = ReturnType<typeof parse>['values'];

/** The assembly to work from: synthesized first when --app is given. */
export async function loadAssembly(options: Options): Promise<Assembly> {
  const dir = resolve(options.assembly ?? 'cdk.out');
  if (options.app) await synthesize(options.app, dir, say);
  return readAssembly(dir);
}

function envFileOf(options: Options): EnvFile {
  return options['env-file'] ? readEnvFile(options['env-file']) : EMPTY_ENV_FILE;
}

function archOf(options: Options): 'arm64' | 'x86_64' | undefined {
  const arch = options.arch;
  if (arch === undefined) return undefined;
  if (arch === 'arm64' || arch === 'x86_64') return arch;
  if (arch === 'aarch64') return 'arm64';
  if (arch === 'x64' || arch === 'amd64') return 'x86_64';
  throw new CliError(`--arch ${arch}: use arm64 or x86_64`, 2);
}

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

async function list(options: Options): Promise<void> {
  const assembly = await loadAssembly(options);
  const fns = assembly.functions;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(fns.map((f) => ({
      path: f.path,
      name: shortName(f, fns),
      logicalId: f.logicalId,
      stack: f.stack,
      runtime: f.runtime,
      architecture: f.architecture,
      handler: f.handler,
      assetSize: f.assetSize,
      codeDir: f.codeDir,
      memorySize: f.memorySize,
      timeout: f.timeout,
      supported: !f.unsupported,
      unsupported: f.unsupported,
      triggers: f.triggers,
      sampleEvent: f.triggers.map((t) => TRIGGER_EVENTS[t]).find((e) => e !== undefined),
    })), null, 2)}\n`);
    return;
  }
  if (fns.length === 0) {
    say(`ts-lambda: no Lambda functions in ${assembly.dir}`);
    return;
  }
  const rows = [['FUNCTION', 'LOGICAL ID', 'RUNTIME', 'ARCH', 'HANDLER', 'SIZE', 'TRIGGERS', 'NOTE']];
  for (const f of fns) {
    rows.push([
      f.path, f.logicalId, f.runtime || '-', f.architecture, f.handler || '-', formatSize(f.assetSize), f.triggers.join(',') || '-',
      f.unsupported ? `not runnable: ${f.unsupported}` : '',
    ]);
  }
  process.stdout.write(`${table(rows)}\n`);
}

function events(options: Options, name: string | undefined): void {
  if (name) {
    process.stdout.write(`${JSON.stringify(sampleEvent(name).event, null, 2)}\n`);
    return;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(SAMPLE_EVENTS.map(({ name: n, file, description }) => ({ name: n, file, description })), null, 2)}\n`);
    return;
  }
  const rows = [['NAME', 'DESCRIPTION', 'FILE']];
  for (const e of SAMPLE_EVENTS) rows.push([e.name, e.description, e.file]);
  process.stdout.write(`${table(rows)}\n`);
  say('\nReal payloads from awslabs/aws-lambda-rust-runtime (Apache-2.0) and aws-powertools (MIT-0); '
    + 'print one with `ts-lambda events NAME`, send one with `ts-lambda invoke FN --example NAME`.');
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the event from stdin: ${(err as Error).message}`);
  }
}

/** The event text of `invoke`, checked to be JSON. */
function eventOf(options: Options, positionals: string[]): string {
  const sources = [options.event !== undefined, options.example !== undefined, positionals.includes('-')].filter(Boolean).length;
  if (sources > 1) throw new CliError('give the event one way: --event FILE, --example NAME, or - (stdin)', 2);
  if (options.example !== undefined) return JSON.stringify(sampleEvent(options.example).event);
  let text: string;
  let from: string;
  if (options.event === '-' || positionals.includes('-')) {
    text = readStdin();
    from = 'stdin';
  } else if (options.event !== undefined) {
    from = options.event;
    try {
      text = readFileSync(options.event, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new CliError(e.code === 'ENOENT' ? `event file not found: ${options.event}` : `cannot read the event file ${options.event}: ${e.message}`);
    }
  } else {
    return '{}';
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw new CliError(`the event from ${from} is not valid JSON: ${(err as Error).message}`);
  }
  return text;
}

async function invoke(options: Options, positionals: string[]): Promise<number> {
  const name = positionals.find((p) => p !== '-');
  if (!name) throw new CliError('which function? `ts-lambda invoke <function>` (`ts-lambda list` shows them)', 2);
  const extra = positionals.filter((p) => p !== '-' && p !== name);
  if (extra.length > 0) throw new CliError(`unexpected arguments: ${extra.join(' ')}`, 2);
  const event = eventOf(options, positionals);
  const assembly = await loadAssembly(options);
  const fn: FunctionInfo = findFunction(name, assembly.functions);
  if (fn.unsupported) throw new CliError(`${fn.path} cannot run locally: ${fn.unsupported}`);
  const runner = await EmulatorRunner.start({
    all: assembly.functions,
    envFile: envFileOf(options),
    arch: archOf(options),
    region: options.region,
    onLog: (entry) => process.stderr.write(entry.text),
    notice: say,
  });
  try {
    runner.prepare(fn);
    say(`ts-lambda: invoking ${fn.path} (${fn.runtime}, ${fn.architecture}${archNote(fn, options)})`);
    const fitting = fn.triggers.map((t) => TRIGGER_EVENTS[t]).find((e) => e !== undefined);
    if (options.event === undefined && options.example === undefined && !positionals.includes('-')) {
      say(`ts-lambda: no event given, sending {}${fitting ? ` (its ${fn.triggers.join('/')} trigger sends events like --example ${fitting})` : ''}`);
    }
    // a streamed response is printed as it arrives (stdout's back-pressure holds the function)
    const result = await runner.invoke(fn, event, {
      start: () => undefined,
      chunk: (data) => process.stdout.write(data),
      whenReady: (resume) => process.stdout.once('drain', resume),
    });
    const memory = result.maxMemoryUsedMB !== undefined ? `, max memory ${result.maxMemoryUsedMB} MB of ${result.memorySizeMB} MB` : '';
    const init = result.initDurationMs !== undefined ? ` (init ${result.initDurationMs.toFixed(1)} ms)` : '';
    if (!result.streamed) process.stdout.write(`${result.payload.toString('utf8')}\n`);
    else if (process.stdout.isTTY) process.stdout.write('\n');
    if (result.ok) {
      say(`ts-lambda: ${fn.path} returned in ${result.durationMs.toFixed(1)} ms${init}${memory}`);
      return 0;
    }
    let summary = result.errorType ?? 'Error';
    try {
      const doc = JSON.parse(result.payload.toString('utf8'));
      summary = `${doc.errorType ?? summary}: ${doc.errorMessage ?? ''}`;
    } catch {
      // not JSON; the payload is printed as it is
    }
    say(`ts-lambda: ${fn.path} failed after ${result.durationMs.toFixed(1)} ms${init}${memory}: ${summary}`);
    return 1;
  } finally {
    await runner.close();
  }
}

function archNote(fn: FunctionInfo, options: Options): string {
  if (fn.architecture === 'arm64' && process.arch !== 'arm64' && fn.runtime.startsWith('nodejs')) {
    return options.arch === 'arm64' ? ', emulated with qemu' : `, run natively on ${process.arch}; --arch arm64 emulates arm64`;
  }
  return '';
}

export async function main(argv: string[]): Promise<number> {
  const { values: options, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (options.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  switch (command) {
    case 'list':
    case 'ls':
      await list(options);
      return 0;
    case 'events':
      events(options, rest[0]);
      return 0;
    case 'invoke':
      return invoke(options, rest);
    case 'serve':
      return serve(options, {
        loadAssembly: () => loadAssembly(options),
        envFile: envFileOf(options),
        arch: archOf(options),
        say,
      });
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      throw new CliError(`unknown command '${command}'; commands: list, invoke, events, serve (\`ts-lambda --help\`)`, 2);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      if (err instanceof CliError) {
        say(`ts-lambda: ${err.message}`);
        process.exitCode = err.exitCode;
      } else {
        say(`ts-lambda: unexpected error: ${(err as Error).stack ?? err}`);
        process.exitCode = 70;
      }
    },
  );
}
