/** The plain TypeScriptFunction of the Python app: greets the `name` of its event. */
export const handler = async (event: { name?: string }): Promise<{ message: string; runtime: string }> => ({
  message: `Hello from a Python CDK app, ${event.name ?? 'world'}!`,
  runtime: process.version,
});
