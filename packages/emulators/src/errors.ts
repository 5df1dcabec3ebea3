/** Stable error codes, so callers (and tests) branch on `code` rather than on message text. */
export const EmulatorErrorCode = {
  StartTimeout: 'EMULATOR_START_TIMEOUT',
  ExitedEarly: 'EMULATOR_EXITED_EARLY',
  PortInUse: 'EMULATOR_PORT_IN_USE',
  StopTimeout: 'EMULATOR_STOP_TIMEOUT',
  Unavailable: 'EMULATOR_UNAVAILABLE',
} as const;
export type EmulatorErrorCode = (typeof EmulatorErrorCode)[keyof typeof EmulatorErrorCode];

export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';
  readonly code: EmulatorErrorCode;

  constructor(code: EmulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
