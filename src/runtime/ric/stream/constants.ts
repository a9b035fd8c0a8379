/**
 * Names and values of Lambda response streaming, as AWS's Node.js runtime
 * interface client uses them (aws-lambda-ric 4.0.2, index.mjs, bundled from
 * `dist/stream/constants.js`, `dist/stream/http-response-stream.js` and
 * `dist/function/user-function-loader.js`).
 */

/** Request header of the streamed `response` POST. */
export const HEADER_RESPONSE_MODE = 'Lambda-Runtime-Function-Response-Mode';
/** Its one allowed value. */
export const VALUE_STREAMING = 'streaming';
/** Trailer naming the error type of a failure in the middle of a stream. */
export const TRAILER_ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
/** Trailer holding the error document of that failure, JSON in base64. */
export const TRAILER_ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';
/** Content type of a stream until the handler sets another. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** Content type of a stream that starts with an HTTP integration prelude (function URLs). */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
/** NUL bytes between the prelude's JSON and the body. */
export const PRELUDE_DELIMITER_LENGTH = 8;

/** What `awslambda.streamifyResponse` marks a handler with (the same keys as AWS's client: either client recognizes the other's mark). */
export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
export const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
/** The value of the streaming mark; any other is `Runtime.MalformedStreamingHandler`. */
export const STREAM_RESPONSE = 'response';
