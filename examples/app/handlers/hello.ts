/** A plain function: greets the `name` of its event. */
export const handler = async (event: { name?: string }): Promise<{ message: string }> => {
  return { message: `Hello, ${event.name ?? 'world'}!` };
};
