/** An error the operator can act on: what went wrong, then what to do next. */
export class OpsError extends Error {
  override readonly name = 'OpsError';
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const GrpcCodes = { NotFound: 5, AlreadyExists: 6, PermissionDenied: 7, FailedPrecondition: 9, Unimplemented: 12, Unavailable: 14, DeadlineExceeded: 4 } as const;

export const grpcCode = (err: unknown): number | undefined => (err as { code?: number } | undefined)?.code;

/** Turns a Pub/Sub failure into an OpsError that says what to do, naming the resource it concerned. */
export function explainPubSubError(err: unknown, what: string, where: { projectId: string; emulatorHost?: string }): OpsError {
  if (err instanceof OpsError) return err;
  const code = grpcCode(err);
  const at = where.emulatorHost ? `the emulator at ${where.emulatorHost}` : 'Pub/Sub';
  switch (code) {
    case GrpcCodes.NotFound:
      return new OpsError(`${what}: not found in project ${where.projectId} on ${at}`, 'check the name and the project: `commerce-ops topics` and `commerce-ops subscriptions` list what exists', { cause: err });
    case GrpcCodes.AlreadyExists:
      return new OpsError(`${what}: it already exists in project ${where.projectId}`, 'pick another name, or delete the old one first', { cause: err });
    case GrpcCodes.PermissionDenied:
      return new OpsError(`${what}: permission denied in project ${where.projectId}`, 'check the project id and your credentials (gcloud auth application-default login)', { cause: err });
    case GrpcCodes.Unimplemented:
      return new OpsError(`${what}: ${at} does not implement this`, where.emulatorHost ? 'the emulator lacks it (e.g. seek on a subscription with message ordering); it works on Pub/Sub' : undefined, { cause: err });
    case GrpcCodes.Unavailable:
    case GrpcCodes.DeadlineExceeded:
      return new OpsError(
        `${what}: ${at} did not answer`,
        where.emulatorHost ? 'is the emulator running? Start it with `make emulators`, or point PUBSUB_EMULATOR_HOST at the right one' : 'check the network and the project id',
        { cause: err },
      );
    default:
      return new OpsError(`${what}: ${(err as Error)?.message ?? String(err)}`, undefined, { cause: err });
  }
}
