/** Data builders for the extractors' tests. */
import type { EntityValue, ExtractedEntity, ExtractionContext } from './types';

/** Wednesday 12 March 2025, 22:30 UTC: Thursday 13 March, 11:30 in Auckland (NZDT, +13:00). */
export const NOW = new Date('2025-03-12T22:30:00Z');

export function aContext(overrides: Partial<ExtractionContext> = {}): ExtractionContext {
  return { now: NOW, timeZone: 'Pacific/Auckland', locale: 'en-US', ...overrides };
}

/** The parts of entities a test usually states: [entity, text, value], in the order found. */
export function found(entities: readonly ExtractedEntity[]): Array<[string, string, EntityValue]> {
  return entities.map((entity) => [entity.entity, entity.text, entity.value]);
}

export function anEntity(overrides: Partial<ExtractedEntity> & Pick<ExtractedEntity, 'start' | 'end'>): ExtractedEntity {
  return { entity: 'thing', value: 'x', text: 'x'.repeat(overrides.end - overrides.start), confidence: 0.5, extractor: 'test', ...overrides };
}
