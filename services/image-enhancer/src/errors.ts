import { PermanentError } from '@commerce/event-kit';

/** Stable codes for input the service refuses; they appear as `dlq-error-code` on dead letters. */
export const ImageErrorCode = {
  TooLarge: 'IMAGE_TOO_LARGE',
  TooManyPixels: 'IMAGE_TOO_MANY_PIXELS',
  FormatNotAllowed: 'IMAGE_FORMAT_NOT_ALLOWED',
  Corrupt: 'IMAGE_CORRUPT',
  Empty: 'IMAGE_EMPTY',
} as const;
export type ImageErrorCode = (typeof ImageErrorCode)[keyof typeof ImageErrorCode];

/**
 * Input that no retry can fix: it goes to the dead-letter topic at once. The message names the
 * object, what was wrong and what to do, because it is what an operator reads in `dlq-reason`.
 */
export class ImageRejectedError extends PermanentError {
  override readonly name = 'ImageRejectedError';
  constructor(
    readonly object: string,
    readonly problem: string,
    override readonly code: ImageErrorCode,
    readonly remedy: string,
    options?: { cause?: unknown },
  ) {
    super(`${object}: ${problem}; ${remedy}`, code, options);
  }
}
