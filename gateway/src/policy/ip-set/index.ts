/** IP sets: validation when saved, compilation when loaded, lookups at login time. */
export { canonicalIp, formatIpAddress, parseIpAddress, type IpAddress } from './ip-address.ts';
export { parseIpEntry, type IpEntry, type IpEntryKind, type IpInterval } from './ip-entry.ts';
export { compileIntervals, type IpMatcher } from './ip-matcher.ts';
export {
  IP_SET_IDENTIFIER,
  parseIpSetEntries,
  validateIpSet,
  type IpSetDefinition,
  type IpSetInput,
} from './ip-set.ts';
export {
  compileIpRanges,
  compileIpSets,
  ipSetsContaining,
  type CompiledIpSet,
  type CompiledIpSets,
} from './compile-ip-sets.ts';
