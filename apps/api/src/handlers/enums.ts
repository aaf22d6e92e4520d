import type { ValueMap } from '@yeet/contract';
import { invalidField } from '@yeet/domain';

// Enum values in requests, read through the contract's value maps (@yeet/contract, values.ts).

/**
 * Enum values in content the author writes: an unknown or UNSPECIFIED value becomes a name
 * the domain rejects with a message listing the choices.
 */
export function contentEnums<D extends string>(values: number[], map: ValueMap<D, number>): D[] {
  return values.map((v) => map.toDomain(v) ?? ('unspecified' as D));
}

/** Filter values must each be a real choice: a typo should not silently widen the results. */
export function filterEnums<D extends string>(values: number[], map: ValueMap<D, number>, field: string): D[] {
  return values.map((v, i) => {
    const d = map.toDomain(v);
    if (!d) throw invalidField(`${field}[${i}]`, `choose one of: ${map.names.join(', ')}`);
    return d;
  });
}

/** An optional single enum (0 = not given). */
export function optionalEnum<D extends string>(value: number, map: ValueMap<D, number>, field: string): D | null {
  return value ? (filterEnums([value], map, field)[0] ?? null) : null;
}
