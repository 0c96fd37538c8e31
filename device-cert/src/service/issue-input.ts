/** Checks an issuance request, naming every bad field at once. */
import { ValidationError, type FieldProblem } from '@sekisho/platform';
import type { DeviceInfo, LoginType } from './records.ts';

export interface IssueInput {
  userId: string;
  device: DeviceInfo;
  loginType: LoginType;
  /** Defaults to the service's validityDays (365). */
  validityDays?: number;
}

export const LOGIN_TYPES: readonly string[] = ['personal', 'passwordless', 'shared'];
export const MAX_VALIDITY_DAYS = 825;

export function checkIssueInput(input: IssueInput): void {
  const problems: FieldProblem[] = [];
  const text = (field: string, value: unknown, required: boolean) => {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || (required && !value.trim()) || value.length > 200) {
      problems.push({ field, message: 'must be a non-empty string of at most 200 characters' });
    }
  };
  text('userId', input.userId, true);
  text('device.os', input.device?.os, true);
  text('device.deviceIdType', input.device?.deviceIdType, true);
  text('device.deviceId', input.device?.deviceId, true);
  text('device.description', input.device?.description, false);
  if (!LOGIN_TYPES.includes(input.loginType)) {
    problems.push({ field: 'loginType', message: `must be one of ${LOGIN_TYPES.join(', ')}` });
  }
  const days = input.validityDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS)) {
    problems.push({
      field: 'validityDays',
      message: `must be an integer from 1 to ${MAX_VALIDITY_DAYS}`,
    });
  }
  if (problems.length) throw new ValidationError(problems);
}
