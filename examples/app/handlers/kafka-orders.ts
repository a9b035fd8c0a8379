/**
 * A Kafka consumer built with Powertools' kafka consumer utility, which
 * decodes each record's base64 value as JSON. An order must be an object
 * with a numeric `id`; a record that is not one fails alone.
 *
 * Lambda's Kafka event source mapping accepts a partial batch response
 * (`batchItemFailures` with `{ partition: '<topic>-<partition>', offset }`
 * identifiers) in provisioned mode, where KafkaConsumer turns it on; in
 * on-demand mode the response is ignored, so a failed record fails its whole
 * batch instead (the handler then throws, see FAIL_WHOLE_BATCH below).
 * Powertools' batch utility for TypeScript has no Kafka processor (Python's
 * has), hence the small loop here.
 */
import { kafkaConsumer } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecord } from '@aws-lambda-powertools/kafka/types';

interface Order {
  readonly id: number;
  readonly name?: string;
  readonly price?: number;
}

interface KafkaItemIdentifier {
  readonly partition: string;
  readonly offset: number;
}

/** Set when the event source mapping runs in on-demand mode (no partial batch response). */
const FAIL_WHOLE_BATCH = process.env.FAIL_WHOLE_BATCH === 'true';

function asOrder(value: unknown): Order {
  if (typeof value !== 'object' || value === null || typeof (value as Order).id !== 'number') {
    throw new Error(`not an order: ${JSON.stringify(value)}`);
  }
  return value as Order;
}

export const handler = kafkaConsumer<unknown, unknown>(async (event) => {
  const processed: Order[] = [];
  const batchItemFailures: Array<{ itemIdentifier: KafkaItemIdentifier }> = [];
  for (const record of event.records as Array<ConsumerRecord<unknown, unknown>>) {
    try {
      processed.push(asOrder(record.value));
    } catch (err) {
      if (FAIL_WHOLE_BATCH) throw err;
      console.error(JSON.stringify({ message: 'record failed', topic: record.topic, partition: record.partition, offset: record.offset, error: String(err) }));
      batchItemFailures.push({ itemIdentifier: { partition: `${record.topic}-${record.partition}`, offset: Number(record.offset) } });
    }
  }
  return { batchItemFailures, processed: processed.length };
}, { value: { type: 'json' } });
