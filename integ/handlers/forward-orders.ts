/**
 * Integ handler: forwards each JSON order to OUTPUT_QUEUE_URL; a message that
 * is not JSON fails alone (partial batch response) and ends in the DLQ.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

const sqs = new SQSClient({});

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const order = JSON.parse(record.body) as { id: string };
      await sqs.send(new SendMessageCommand({ QueueUrl: process.env.OUTPUT_QUEUE_URL, MessageBody: JSON.stringify({ forwarded: order.id }) }));
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
