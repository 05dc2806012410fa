import { Section } from "@telegram-apps/telegram-ui";

import { useQuery } from "../../lib/hooks";
import type { FieldDef } from "./api";
import { journalApi } from "./client";
import { FieldInput, NO_SUGGESTIONS, type Suggestions } from "./FieldInput";
import type { FieldValue, FormValues } from "./form";

export interface FormConfig {
  registry: FieldDef[] | undefined;
  suggestions: Suggestions;
  error: unknown;
}

/** The field registry and what the inputs suggest (dictionaries, currencies, categories), loaded once per screen. */
export function useFormConfig(): FormConfig {
  const registry = useQuery((signal) => journalApi.fields(signal), []);
  const extra = useQuery(async (signal) => {
    const [tags, people, places, currencies, categories] = await Promise.all([
      journalApi.terms("tags", undefined, signal), journalApi.terms("people", undefined, signal),
      journalApi.terms("places", undefined, signal), journalApi.currencies(signal), journalApi.categories(signal),
    ]);
    const codes = [currencies.default, ...currencies.used, ...currencies.available];
    return {
      tags: tags.map((x) => x.value), people: people.map((x) => x.value), places,
      currencies: [...new Set(codes)], categories,
    } satisfies Suggestions;
  }, []);
  return { registry: registry.data, suggestions: extra.data ?? NO_SUGGESTIONS, error: registry.error ?? extra.error };
}

interface Props {
  fields: FieldDef[];
  values: FormValues;
  onChange: (values: FormValues) => void;
  suggestions: Suggestions;
  required?: readonly string[];
  invalidField?: string;
  header?: string;
  testId?: string;
}

/** A form built from the registry's fields: one input per field, by its type. */
export function EntryForm({ fields, values, onChange, suggestions, required = [], invalidField, header,
  testId = "entry-form" }: Props): JSX.Element {
  const set = (id: string, value: FieldValue): void => onChange({ ...values, [id]: value });
  return (
    <Section header={header} className="entry-form" data-testid={testId}>
      {fields.map((field) => (
        <FieldInput key={field.id} field={field} value={values[field.id] ?? ""} suggestions={suggestions}
          required={required.includes(field.id)} invalid={invalidField === field.id}
          onChange={(value) => set(field.id, value)}
          onPlaceGeo={fields.some((f) => f.id === "geo")
            ? (geo, place) => onChange({ ...values, place, geo }) : undefined} />
      ))}
    </Section>
  );
}
