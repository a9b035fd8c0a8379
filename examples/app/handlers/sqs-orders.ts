/**
 * An SQS consumer built with Powertools' BatchProcessor: each message body is
 * a JSON order; a message that is not JSON fails alone and is reported in
 * `batchItemFailures`, so that SQS retries only that one (and moves it to the
 * dead-letter queue after `maxReceiveCount` receives).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

const processor = new BatchProcessor(EventType.SQS);

/** Parses and handles one order; throws for a message whose body is not JSON. */
const recordHandler = async (record: SQSRecord): Promise<unknown> => {
  const order = JSON.parse(record.body) as unknown;
  if (typeof order !== 'object' || order === null) {
    throw new Error(`message ${record.messageId} is not an order object`);
  }
  return order;
};

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> =>
  processPartialResponse(event, recordHandler, processor);
