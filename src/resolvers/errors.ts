/** GraphQL errors with `extensions.code`, so clients can tell bad input from missing data. */
import { GraphQLError } from 'graphql';
import { BadInputError, EncoderUnavailableError, NotFoundError, UnavailableError } from '../core/errors.js';

export function badInput(message: string, argumentName?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argumentName ? { argumentName } : {}) } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

/** Domain errors (src/core/errors.ts) as GraphQL errors with their codes; anything else is rethrown as is (an internal error). */
export function toGraphQLError(error: unknown): unknown {
  if (error instanceof GraphQLError) return error;
  if (error instanceof EncoderUnavailableError || error instanceof UnavailableError) return new GraphQLError(error.message, { extensions: { code: error.code } });
  if (error instanceof BadInputError) return badInput(error.message, error.argumentName);
  if (error instanceof NotFoundError) return notFound(error.message);
  return error;
}

/** Runs a resolver's work, turning the domain errors services throw into GraphQL errors with codes. */
export async function coded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toGraphQLError(error);
  }
}
