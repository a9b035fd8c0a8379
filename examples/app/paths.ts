import { join } from 'node:path';

/** Path of an example handler in examples/app/handlers. */
export function handlerPath(name: string): string {
  return join(__dirname, 'handlers', name);
}
