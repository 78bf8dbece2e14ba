/**
 * Checks of a request's arguments as sent, made once per operation before any resolver runs, so
 * that no argument path can forget them: text the database cannot store (NUL characters) and
 * variables nested deeper than any argument takes. Also the validation rule that refuses
 * operation kinds the API does not serve.
 */
import { BREAK, GraphQLError, Kind, visit, type ASTNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionNode, type ValidationRule } from 'graphql';
import { badInput } from './errors.js';

const NUL = '\u0000';

/**
 * Deepest nesting of lists and objects in a variable. The deepest argument of the schema (a JSON
 * `params` object of numbers) needs 2; the bound stops values built to exhaust the stack of
 * whatever walks them later.
 */
export const MAX_VARIABLE_DEPTH = 32;

/** The schema has no Subscription type; graphql-js would refuse one only once executing, as an internal error. */
export const noSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('subscriptions are not supported by this API: send a query or a mutation', { nodes: node }));
    }
  },
});

function nulError(argument: string, variable?: string): GraphQLError {
  const via = variable && variable !== argument ? ` (variable $${variable})` : '';
  return badInput(`\`${argument}\`${via} contains a NUL character (\\u0000), which text in the atlas cannot hold`, argument);
}

type Ancestor = ASTNode | readonly ASTNode[];

/** The argument (or variable definition) a value node belongs to (graphql's visit passes the parent apart from the other ancestors). */
function ownerName(parent: Ancestor | undefined, others: readonly Ancestor[]): { argument?: string; variable?: string } {
  const ancestors = parent ? [...others, parent] : others;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (!('kind' in a)) continue;
    if (a.kind === Kind.ARGUMENT) return { argument: a.name.value };
    if (a.kind === Kind.VARIABLE_DEFINITION) return { variable: a.variable.name.value };
  }
  return {};
}

/** What is wrong with a variable's JSON value, if anything; iterative, so any depth is safe to walk. */
function jsonProblem(value: unknown): 'nul' | 'depth' | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes(NUL)) return 'nul';
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_VARIABLE_DEPTH) return 'depth';
      if (Array.isArray(v)) {
        for (const x of v) stack.push([x, depth + 1]);
      } else {
        for (const [k, x] of Object.entries(v)) {
          if (k.includes(NUL)) return 'nul';
          stack.push([x, depth + 1]);
        }
      }
    }
  }
  return undefined;
}

/**
 * The first problem with the arguments of `document` and its `variables`, as a BAD_USER_INPUT
 * error naming the argument (or the variable, when no argument uses it); undefined when none.
 */
export function checkOperationInput(document: DocumentNode, variables: Readonly<Record<string, unknown>> | undefined): GraphQLError | undefined {
  let error: GraphQLError | undefined;
  // Which argument each variable feeds, to name the argument rather than the variable.
  const argumentOf = new Map<string, string>();
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      if (!node.value.includes(NUL)) return undefined;
      const owner = ownerName(parent, ancestors);
      error = nulError(owner.argument ?? owner.variable ?? 'query');
      return BREAK;
    },
    Variable(node, _key, parent, _path, ancestors) {
      const { argument } = ownerName(parent, ancestors);
      if (argument && !argumentOf.has(node.name.value)) argumentOf.set(node.name.value, argument);
      return undefined;
    },
  });
  if (error) return error;
  for (const [name, value] of Object.entries(variables ?? {})) {
    const argument = argumentOf.get(name) ?? name;
    const problem = name.includes(NUL) ? 'nul' : jsonProblem(value);
    if (problem === 'nul') return nulError(argument, name);
    if (problem === 'depth') {
      const via = argument !== name ? ` (variable $${name})` : '';
      return badInput(`\`${argument}\`${via} is nested more than ${MAX_VARIABLE_DEPTH} lists or objects deep`, argument);
    }
  }
  return undefined;
}

/**
 * Root fields that each cost a large share of a request's time (compareModels reads and matches
 * two layers' labels and embeddings, ~0.4 s on the embedded database; imageActivations runs a
 * model on the one image a request may carry): at most this many per request, so that aliases
 * cannot multiply one into a request that holds the database (or the CPU) for seconds.
 */
export const EXPENSIVE_ROOT_FIELDS: Readonly<Record<string, number>> = { compareModels: 2, imageActivations: 1 };

/**
 * The answer keys (alias, else name) per expensive root field of the operation, fragments
 * expanded: GraphQL merges fields with one key into one execution, so keys are what run.
 */
function expensiveKeys(document: DocumentNode, operation: OperationDefinitionNode): Map<string, Set<string>> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const keys = new Map<string, Set<string>>();
  const seen = new Set<string>();
  const walk = (selections: readonly SelectionNode[]): void => {
    for (const sel of selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (EXPENSIVE_ROOT_FIELDS[name] === undefined) continue;
        const set = keys.get(name) ?? new Set<string>();
        set.add(sel.alias?.value ?? name);
        keys.set(name, set);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet.selections);
      } else {
        const fragment = fragments.get(sel.name.value);
        if (!fragment || seen.has(sel.name.value)) continue;
        seen.add(sel.name.value);
        walk(fragment.selectionSet.selections);
      }
    }
  };
  walk(operation.selectionSet.selections);
  return keys;
}

/** A refusal when the operation asks for more of an expensive root field than one request may. */
export function checkExpensiveFields(document: DocumentNode, operation: OperationDefinitionNode): GraphQLError | undefined {
  for (const [name, keys] of expensiveKeys(document, operation)) {
    const max = EXPENSIVE_ROOT_FIELDS[name]!;
    if (keys.size > max) {
      return badInput(`a request may ask for at most ${max} \`${name}\` (this one asks for ${keys.size}): send the others in further requests`);
    }
  }
  return undefined;
}
