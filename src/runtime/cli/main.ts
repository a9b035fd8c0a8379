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
import { editDistance, findFunction, shortName } from './find';
import { EmulatorRunner } from './runner';
import { serve } from './serve';
import { synthesize } from './synth';

/** Messages for people go to stderr. */
function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One option of a command: what `parseArgs` needs, and a line of help. */
interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** e.g. `--event FILE, -e`: how it is shown in help */
  readonly shown: string;
  readonly help: string;
}

/** A `ts-lambda` command: its options, its help, and what it does. */
interface Command {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** The positional arguments, as shown in help (e.g. `<function> [-]`). */
  readonly args: string;
  readonly summary: string;
  /** Whether the assembly options (--assembly, --app, ...) apply. */
  readonly assembly: boolean;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** More help text after the options. */
  readonly more?: string;
  run(options: Options, positionals: string[]): Promise<number>;
}

/** The options every command that reads an assembly takes. */
const ASSEMBLY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'assembly': { type: 'string', shown: '--assembly DIR', help: 'the cloud assembly to read (default: cdk.out)' },
  'app': { type: 'string', shown: '--app CMD', help: 'synthesize the app first with the cdk CLI (e.g. --app "npx tsx bin/app.ts")' },
  'env-file': { type: 'string', shown: '--env-file FILE', help: 'variables for the functions: dotenv, or JSON ({"KEY": "v"} or {"<function>": {"KEY": "v"}})' },
  'arch': { type: 'string', shown: '--arch arm64', help: 'run arm64 functions under qemu-user (with an arm64 Node.js) instead of natively' },
  'region': { type: 'string', shown: '--region REGION', help: 'AWS_REGION of the functions (default: us-east-1)' },
};

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', shown: '--help, -h', help: 'help on this command' };

const FUNCTION_ARG = '<function> is a construct path (MyStack/Api/Handler), a logical id, or an unambiguous suffix of the path.';

/** Values of every option of every command (each command sees only its own). */
export interface Options {
  readonly [name: string]: string | boolean | undefined;
  readonly 'assembly'?: string;
  readonly 'app'?: string;
  readonly 'env-file'?: string;
  readonly 'arch'?: string;
  readonly 'region'?: string;
  readonly 'event'?: string;
  readonly 'example'?: string;
  readonly 'json'?: boolean;
  readonly 'port'?: string;
  readonly 'host'?: string;
  readonly 'watch'?: boolean;
  readonly 'help'?: boolean;
}

/** All options of a command, assembly ones included. */
function optionsOf(command: Command): Record<string, OptionSpec> {
  return { ...(command.assembly ? ASSEMBLY_OPTIONS : {}), ...command.options, help: HELP_OPTION };
}

function parse(command: Command, argv: string[]): { options: Options; positionals: string[] } {
  const specs = optionsOf(command);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(Object.entries(specs).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }])),
    });
    return { options: values as Options, positionals };
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nRun \`ts-lambda ${command.name} --help\` for its options.`, 2);
  }
}

function optionLines(specs: Readonly<Record<string, OptionSpec>>): string[] {
  return Object.values(specs).map((o) => `  ${o.shown.padEnd(24)}${o.help}`);
}

/** The help of one command. */
function commandHelp(command: Command): string {
  const own = { ...command.options, help: HELP_OPTION };
  const lines = [`Usage: ts-lambda ${command.name}${command.args ? ` ${command.args}` : ''} [options]`, '', command.summary];
  if (command.aliases?.length) lines.push(`(also: ${command.aliases.join(', ')})`);
  lines.push('', 'Options:', ...optionLines(own));
  if (command.assembly) lines.push('', 'Assembly options:', ...optionLines(ASSEMBLY_OPTIONS));
  if (command.more) lines.push('', command.more);
  return `${lines.join('\n')}\n`;
}

/** The help of `ts-lambda` itself: every command in a line. */
function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length)) + 2;
  return [
    'Usage: ts-lambda <command> [options]',
    '',
    'Run the Lambda functions of a synthesized CDK app locally, no Docker, no AWS account.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}${c.summary}`),
    '',
    'Run `ts-lambda <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

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
    const result = await runner.invoke(fn, event);
    const memory = result.maxMemoryUsedMB !== undefined ? `, max memory ${result.maxMemoryUsedMB} MB of ${result.memorySizeMB} MB` : '';
    const init = result.initDurationMs !== undefined ? ` (init ${result.initDurationMs.toFixed(1)} ms)` : '';
    process.stdout.write(`${result.payload.toString('utf8')}\n`);
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

const COMMANDS: readonly Command[] = [
  {
    name: 'list',
    aliases: ['ls'],
    args: '',
    summary: 'the Lambda functions of the assembly',
    assembly: true,
    options: { json: { type: 'boolean', shown: '--json', help: 'print JSON' } },
    run: async (options) => {
      await list(options);
      return 0;
    },
  },
  {
    name: 'invoke',
    args: '<function> [-]',
    summary: 'run a function with an event; result on stdout, logs on stderr',
    assembly: true,
    options: {
      event: { type: 'string', short: 'e', shown: '--event FILE, -e', help: "the event (JSON file; '-' reads stdin)" },
      example: { type: 'string', shown: '--example NAME', help: 'a bundled sample event (see `ts-lambda events`)' },
    },
    more: FUNCTION_ARG,
    run: (options, positionals) => invoke(options, positionals),
  },
  {
    name: 'events',
    args: '[NAME]',
    summary: 'list the bundled sample events, or print one',
    assembly: false,
    options: { json: { type: 'boolean', shown: '--json', help: 'print JSON' } },
    run: async (options, positionals) => {
      events(options, positionals[0]);
      return 0;
    },
  },
  {
    name: 'serve',
    args: '',
    summary: 'serve the HTTP APIs (and function URLs) of the assembly on localhost',
    assembly: true,
    options: {
      port: { type: 'string', short: 'p', shown: '--port N, -p', help: 'first port (default: 9000; 0 for any free port); one port per HTTP API' },
      host: { type: 'string', shown: '--host HOST', help: 'address to listen on (default: 127.0.0.1)' },
      watch: { type: 'boolean', shown: '--watch', help: 're-synthesize (needs --app) and reload when source files change' },
    },
    run: (options) => serve(options, {
      loadAssembly: () => loadAssembly(options),
      envFile: envFileOf(options),
      arch: archOf(options),
      say,
    }),
  },
];

/** The command called `name` (or an alias), or a CliError with the closest names. */
function commandNamed(name: string): Command {
  const found = COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
  if (found) return found;
  const names = COMMANDS.map((c) => c.name);
  const closest = [...names].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0];
  const hint = editDistance(name, closest) <= 2 ? ` Did you mean '${closest}'?` : '';
  throw new CliError(`unknown command '${name}'.${hint} Commands: ${names.join(', ')} (\`ts-lambda --help\`)`, 2);
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (first === '--help' || first === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  if (first === 'help') {
    process.stdout.write(rest[0] ? commandHelp(commandNamed(rest[0])) : usage());
    return 0;
  }
  if (first.startsWith('-')) throw new CliError(`the command comes first: ts-lambda <command> ${first} ... (\`ts-lambda --help\` lists the commands)`, 2);
  const command = commandNamed(first);
  const { options, positionals } = parse(command, rest);
  if (options.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  return command.run(options, positionals);
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
