/**
 * The SqsConsumer handler of the example apps: each message body is a JSON
 * order; a message that is not a JSON object is reported in
 * `batchItemFailures` on its own, so SQS retries only that one.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const order: unknown = JSON.parse(record.body);
      if (typeof order !== 'object' || order === null) throw new Error('not a JSON object');
      console.log(`order ${record.messageId}: ${JSON.stringify(order)}`);
    } catch (err) {
      console.error(`message ${record.messageId} is not an order: ${(err as Error).message}`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
