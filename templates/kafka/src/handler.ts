/**
 * Each Kafka record's value is a JSON order ({"id": number, ...}); Powertools'
 * kafka consumer decodes the base64 values. A record that is not an order
 * fails alone: it is reported in `batchItemFailures` (by topic-partition and
 * offset), which the event source mapping honours in provisioned mode.
 */
import { kafkaConsumer } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecord } from '@aws-lambda-powertools/kafka/types';
import { Logger } from '@aws-lambda-powertools/logger';

export interface Order {
  readonly id: number;
  readonly name?: string;
  readonly price?: number;
}

export interface KafkaBatchResponse {
  readonly batchItemFailures: Array<{ itemIdentifier: { partition: string; offset: number } }>;
}

const logger = new Logger({ serviceName: 'orders' });

function asOrder(value: unknown): Order {
  if (typeof value !== 'object' || value === null || typeof (value as Order).id !== 'number') {
    throw new Error(`not an order: ${JSON.stringify(value)}`);
  }
  return value as Order;
}

export const handler = kafkaConsumer<unknown, unknown>(async (event): Promise<KafkaBatchResponse> => {
  const batchItemFailures: KafkaBatchResponse['batchItemFailures'] = [];
  for (const record of event.records as Array<ConsumerRecord<unknown, unknown>>) {
    try {
      const order = asOrder(record.value);
      logger.info('order received', { orderId: order.id, partition: record.partition, offset: record.offset });
    } catch (err) {
      logger.error('record failed', { topic: record.topic, partition: record.partition, offset: record.offset, error: String(err) });
      batchItemFailures.push({ itemIdentifier: { partition: `${record.topic}-${record.partition}`, offset: Number(record.offset) } });
    }
  }
  return { batchItemFailures };
}, { value: { type: 'json' } });
