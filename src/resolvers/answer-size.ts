/**
 * The query cost limit: how many list entries an answer may hold. Each list field counts the
 * entries its `first` asks for (a literal, a variable's value, or the argument's default), times
 * the entries of the lists around it; the `edges` of a connection count its `first`; a list
 * without `first` (models, layers, ...) counts one entry. `neurons(first: 500) { edges { node {
 * labels(first: 100) } } }` holds 500 + 500 x 100 = 50,500 entries.
 */
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { badInput } from './errors.js';

// Types are read from their printed form (`[LabelScore!]!`), not with instanceof: the schema may
// come from another copy of graphql (Apollo loads the CommonJS build), whose classes differ.
const isListOf = (printed: string): boolean => printed.replace(/!$/, '').startsWith('[');
const namedOf = (printed: string): string => printed.replace(/[[\]!]/g, '');

/** Most list entries one answer may hold: a full page of neurons (500) with 100 labels, 100 top images and 100 near images each. */
export const MAX_ANSWER_ENTRIES = 200_000;

export interface AnswerSize {
  entries: number;
  /** The `first` arguments given as variables, to name them in the refusal. */
  variables: { variable: string; value: number }[];
  /** The path of list fields that holds the most entries, e.g. ['neurons(first: 500)', 'labels(first: 100)']. */
  largest: string[];
}

/** The list entries the answer to `operation` may hold (see the module comment). */
export function answerSize(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): AnswerSize {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const used = new Map<string, number>();
  let largest = { entries: 0, path: [] as string[] };

  const firstOf = (field: GraphQLField<unknown, unknown>, given: readonly { name: { value: string }; value: ValueNode }[] | undefined): number | undefined => {
    const def = field.args.find((a) => a.name === 'first');
    if (!def) return undefined;
    const arg = given?.find((a) => a.name.value === 'first');
    let value: unknown = def.defaultValue;
    if (arg?.value.kind === Kind.INT) value = Number(arg.value.value);
    else if (arg?.value.kind === Kind.VARIABLE) {
      const name = arg.value.name.value;
      const defined = operation.variableDefinitions?.find((v) => v.variable.name.value === name)?.defaultValue;
      value = variables && name in variables ? variables[name] : defined?.kind === Kind.INT ? Number(defined.value) : undefined;
      if (typeof value === 'number' && Number.isFinite(value)) used.set(name, value);
    }
    // Values the resolvers refuse anyway (negative, fractional, not a number) count as one.
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 1;
  };

  const walk = (set: SelectionSetNode, type: GraphQLNamedType, outer: number, pageOfEdges: number | undefined, path: string[], seen: Set<string>): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        total += walk(sel.selectionSet, cond ?? type, outer, pageOfEdges, path, seen);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value)) continue; // cycles are refused by validation
        const cond = schema.getType(frag.typeCondition.name.value) ?? type;
        total += walk(frag.selectionSet, cond, outer, pageOfEdges, path, new Set([...seen, frag.name.value]));
        continue;
      }
      if (!sel.selectionSet || !('getFields' in type)) continue;
      const field = (type.getFields() as Record<string, GraphQLField<unknown, unknown> | undefined>)[sel.name.value];
      if (!field) continue; // __schema, __type: introspection is not counted
      const first = firstOf(field, sel.arguments);
      const printed = String(field.type);
      const isList = isListOf(printed);
      let own = 1;
      let label = sel.name.value;
      if (isList) {
        own = first ?? (sel.name.value === 'edges' && pageOfEdges !== undefined ? pageOfEdges : 1);
        if (first !== undefined) label = `${label}(first: ${first})`;
        else if (sel.name.value === 'edges' && pageOfEdges !== undefined) label = `${label} (${pageOfEdges})`;
      }
      const entries = isList ? outer * own : 0;
      const here = isList ? [...path, label] : path;
      if (entries > largest.entries) largest = { entries, path: here };
      total += entries;
      // A connection's `first` sizes its `edges`.
      const edges = !isList && first !== undefined ? first : undefined;
      const inner = schema.getType(namedOf(printed));
      if (inner) total += walk(sel.selectionSet, inner, isList ? outer * own : outer, edges, here, seen);
    }
    return total;
  };

  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const entries = root ? walk(operation.selectionSet, root, 1, undefined, [], new Set()) : 0;
  return { entries, variables: [...used].map(([variable, value]) => ({ variable, value })), largest: largest.path };
}

/** The refusal of a query whose answer could hold more than `max` list entries, naming the lists (and variables) that make it so. */
export function answerSizeError(size: AnswerSize, max: number): ReturnType<typeof badInput> {
  const via = size.variables.length ? `with ${size.variables.map((v) => `$${v.variable} = ${v.value}`).join(', ')}, ` : '';
  return badInput(
    `${via}the query's cost (the list entries its answer may hold) is ${size.entries.toLocaleString('en-US')}, over the limit of ` +
      `${max.toLocaleString('en-US')}; the largest list is ${size.largest.join(' > ')}: ask for smaller \`first\` or fewer nested lists`,
    'first',
  );
}
