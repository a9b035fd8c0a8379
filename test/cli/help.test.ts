/**
 * The command table of `ts-lambda` (src/runtime/cli/main.ts): one line per
 * command in `--help`, each command's own `--help` with only its options,
 * and a typo of a command or an option of another command refused.
 */
import { runCli } from './helpers';

const COMMANDS = ['list', 'invoke', 'events', 'serve', 'new'];

test('--help lists every command with a summary, on stdout, exit 0', () => {
  const r = runCli(['--help']);
  expect(r.code).toBe(0);
  for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b.*\\S`, 'm'));
  expect(r.stdout).toMatch(/ts-lambda <command> --help/);
  expect(runCli(['help']).stdout).toBe(r.stdout);
});

test('no command: the usage on stderr, exit 2', () => {
  const r = runCli([]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^Usage: ts-lambda <command>/);
});

test.each([
  ['invoke', ['--event FILE', '--example NAME', '--watch', '--inspect[=PORT]', '--assembly DIR'], ['--port', '--host']],
  ['serve', ['--port N', '--host HOST', '--watch', '--assembly DIR'], ['--event', '--example']],
  ['list', ['--json', '--assembly DIR'], ['--event', '--port']],
  ['events', ['--json', '--events-dir DIR', '--set PATH=VALUE', '--function FN', '--assembly DIR', 'eventbridge'], ['--port', '--event FILE', '--env-file', '--arch']],
])('%s --help shows its own options only', (command, has, hasNot) => {
  const r = runCli([command, '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^Usage: ts-lambda ${command}\\b`));
  for (const o of has) expect(r.stdout).toContain(o);
  for (const o of hasNot) expect(r.stdout).not.toContain(o);
  expect(runCli(['help', command]).stdout).toBe(r.stdout);
});

test('an option of another command is refused, naming the command help', () => {
  const r = runCli(['events', '--port', '9000']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/Unknown option '--port'.*\n.*ts-lambda events --help/s);
});

test('a typo of a command: the closest command', () => {
  const r = runCli(['invok', 'Fn']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/unknown command 'invok'\. Did you mean 'invoke'\?/);
});

test('an alias runs its command: ls is list', () => {
  expect(runCli(['ls', '--help']).stdout).toBe(runCli(['list', '--help']).stdout);
});
