/**
 * One billable POST /chat/completions: both token counts reserved before it is sent (input from
 * the prompt's characters / 4, output from the expected answer), settled with the `usage` the
 * server reports, released when the request fails.
 */
import { z } from 'zod';
import { DubarrError, type StageContext } from '../sdk/index.js';
import type { OpenAIApi } from './api.js';
import { PROVIDER } from './api.js';
import type { ChatMessage } from './translation-prompt.js';

const ChatCompletion = z.object({
  choices: z.array(z.object({
    message: z.object({ content: z.string().nullable().optional() }),
    finish_reason: z.string().nullable().optional(),
  })).min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).optional(),
});

export interface ChatAnswer {
  content: string | undefined;
  finishReason: string | undefined;
  inputTokens: number;
  outputTokens: number;
}

/** The usual estimate for English-like text; only the budget check before the call uses it. */
export const estimateTokens = (chars: number) => Math.ceil(chars / 4);

export async function paidChat(
  api: OpenAIApi, ctx: Pick<StageContext, 'cost'>, body: { model: string; messages: ChatMessage[] } & Record<string, unknown>,
  expectedOutputChars: number, what: string, where: string,
): Promise<ChatAnswer> {
  const inputEstimate = estimateTokens(body.messages.reduce((a, m) => a + m.content.length, 0));
  const outputEstimate = estimateTokens(expectedOutputChars);
  const spend = (unit: 'inputTokens' | 'outputTokens', quantity: number) => ({ provider: PROVIDER, unit, product: body.model, quantity, what });
  const input = await ctx.cost.reserve(spend('inputTokens', inputEstimate));
  let output;
  try {
    output = await ctx.cost.reserve(spend('outputTokens', outputEstimate));
  } catch (e) {
    await input.release();
    throw e;
  }
  let answer: ChatAnswer;
  try {
    const res = await api.postJson('/chat/completions', body, true);
    const parsed = ChatCompletion.safeParse(res.json);
    if (!parsed.success) {
      throw new DubarrError('E_PROVIDER_FAILED', `${where} answered JSON that is not a chat completion (no choices[0].message); check baseUrl and translateModel`);
    }
    const choice = parsed.data.choices[0]!;
    answer = {
      content: choice.message.content ?? undefined,
      finishReason: choice.finish_reason ?? undefined,
      inputTokens: parsed.data.usage?.prompt_tokens ?? inputEstimate,
      outputTokens: parsed.data.usage?.completion_tokens ?? outputEstimate,
    };
  } catch (e) {
    await input.release();
    await output.release();
    throw e;
  }
  await input.settle(answer.inputTokens);
  await output.settle(answer.outputTokens);
  return answer;
}
