/** Kysely table types of the access policy. */
import type { ColumnType } from 'kysely';
import type { Database } from '@sekisho/platform';

type Json<T> = ColumnType<T, string, string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface PolicyDatabase extends Database {
  ip_sets: {
    id: string;
    tenant_id: string;
    identifier: string;
    name: string;
    entries: Json<string[]>;
    updated_at: Defaulted<Date>;
  };
  policy_groups: {
    id: string;
    tenant_id: string;
    name: string;
    is_default: Defaulted<boolean>;
    applications: Json<'all' | string[]>;
    allow_condition: string;
    skip_condition: string;
    factors: Json<string[]>;
    login_lifetime_hours: number;
    /** User group names whose members belong here unless assigned explicitly. */
    member_groups: ColumnType<string[], string | undefined, string>;
    rule_priority: Defaulted<number>;
    updated_at: Defaulted<Date>;
  };
  policy_assignments: { tenant_id: string; user_id: string; policy_group_id: string };
  policy_settings: {
    tenant_id: string;
    pass_issuance_condition: Defaulted<string>;
    pass_lifetime_days: Defaulted<number>;
  };
  entrance_passes: {
    id: string;
    tenant_id: string;
    user_id: string;
    token_hash: string;
    issued_at: Date;
    expires_at: Date;
    ip: string | null;
    user_agent: string | null;
    last_used_at: Date | null;
    revoked_at: Date | null;
  };
}
