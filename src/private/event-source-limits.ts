import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/** Fails synth when an integer prop lies outside [min, max]; tokens pass. */
export function checkIntegerRange(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number, why = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw propError(scope, prop, `must be an integer from ${min} to ${max}${why}, got ${value}.`);
  }
}

/** Fails synth when a duration prop lies outside [min, max] seconds; tokens pass. */
export function checkDurationRange(scope: IConstruct, prop: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
    throw propError(scope, prop, `must be from ${min.toHumanString()} to ${max.toHumanString()}, got ${value.toHumanString()}.`);
  }
}

/** The maximum concurrency an event source mapping accepts. */
export const MAX_CONCURRENCY = { min: 2, max: 1000 };

/** The longest batching window of an event source mapping. */
export const MAX_BATCHING_WINDOW = Duration.minutes(5);
