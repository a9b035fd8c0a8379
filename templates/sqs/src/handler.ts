/**
 * Each SQS message is a JSON order ({"id": number, ...}). Powertools'
 * BatchProcessor handles the records one by one: a message that is not an
 * order fails alone and is returned in `batchItemFailures`, so SQS retries
 * only that one (and moves it to the dead-letter queue after 3 receives).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface Order {
  readonly id: number;
  readonly item?: string;
  readonly quantity?: number;
}

const processor = new BatchProcessor(EventType.SQS);
const logger = new Logger({ serviceName: 'orders' });

/** Reads one order; throws for a message that is not one. */
export function parseOrder(record: SQSRecord): Order {
  let value: unknown;
  try {
    value = JSON.parse(record.body);
  } catch {
    throw new Error(`message ${record.messageId}: the body is not JSON`);
  }
  if (typeof value !== 'object' || value === null || typeof (value as Order).id !== 'number') {
    throw new Error(`message ${record.messageId}: not an order (an object with a numeric id)`);
  }
  return value as Order;
}

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const order = parseOrder(record);
  logger.info('order received', { orderId: order.id, item: order.item });
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context });
