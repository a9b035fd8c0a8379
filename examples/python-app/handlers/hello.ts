/** The plain TypeScriptFunction of the example apps: greets the `name` of its event. */
export const handler = async (event: { name?: string }): Promise<{ message: string; node: string }> => ({
  message: `Hello, ${event.name ?? 'world'}!`,
  node: process.version,
});
