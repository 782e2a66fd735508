/** Stable codes of what can go wrong planning, deploying or deleting the warehouse stack. */
export type InfraErrorCode =
  | 'SETTINGS_INVALID'
  | 'TEMPLATE_INVALID'
  | 'TEMPLATE_TOO_LARGE'
  | 'ACCESS_DENIED'
  | 'STACK_NOT_FOUND'
  | 'STACK_BUSY'
  | 'STACK_FAILED'
  | 'CHANGE_SET_FAILED'
  | 'DELETE_INCOMPLETE'
  | 'AWS_ERROR';

/** An error of the infra package: a stable `code`, a message naming the setting, stack or action, `cause` chained. */
export class InfraError extends Error {
  constructor(
    readonly code: InfraErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InfraError';
  }
}
