import { MAX_ACTIVE_PRICE_ALERTS, MAX_ORDER_QUANTITY, type FieldError, type Instrument } from '@bolsa/contracts';
import { ApiFailure } from './api';
import { instantText } from './calendar';
import { formatBRL, formatPrice, formatQuantity } from './format';

/** What a field's rules are, when the screen knows the instrument it is about. */
export type FieldRules = Pick<Instrument, 'tickSize' | 'lotSize' | 'priceBand' | 'maxOrderQuantity'>;

/** Extra facts some messages need: the instrument's rules, what an order has already filled. */
export interface TextContext {
  readonly rules?: FieldRules | undefined;
  readonly filled?: string | undefined;
}

const isQuantity = (field: string) => field === 'quantity';

/**
 * A field the API or the ticket refused, as a Brazilian trader reads it, shown beside that field (so without its
 * name). By the error's code; the API's own (English) text only for a code this does not know.
 */
export function fieldText(error: FieldError, context: TextContext = {}): string {
  const { rules } = context;
  switch (error.code) {
    case 'not_a_string':
    case 'malformed':
    case 'exponent':
      return isQuantity(error.field) ? 'Digite um número inteiro, como 100.' : 'Digite um valor como 12,34.';
    case 'empty':
      return 'Obrigatório.';
    case 'negative':
      return 'Não pode ser negativo.';
    case 'zero':
      return 'Deve ser maior que zero.';
    case 'too_precise':
      return isQuantity(error.field) ? 'Deve ser um número inteiro.' : 'Use no máximo 2 casas decimais.';
    case 'too_large':
      return isQuantity(error.field)
        ? `No máximo ${formatQuantity(MAX_ORDER_QUANTITY)} ações.`
        : 'Valor grande demais.';
    case 'off_tick':
      return rules ? `Deve ser múltiplo de ${formatPrice(rules.tickSize)}.` : 'Fora do passo de preço do papel.';
    case 'off_lot':
      return rules ? `Deve ser múltiplo do lote de ${formatQuantity(rules.lotSize)}.` : 'Fora do lote do papel.';
    case 'price_out_of_band':
      return rules?.priceBand
        ? `Deve estar entre ${formatPrice(rules.priceBand.min)} e ${formatPrice(rules.priceBand.max)}.`
        : 'Fora do túnel de preços do papel.';
    case 'quantity_over_limit':
      return rules?.maxOrderQuantity === undefined
        ? 'Acima do máximo de ações por ordem deste papel.'
        : `No máximo ${formatQuantity(rules.maxOrderQuantity)} ações por ordem.`;
    case 'quantity_below_filled':
      return context.filled === undefined
        ? 'Deve ser maior que o já executado.'
        : `Deve ser maior que as ${formatQuantity(context.filled)} já executadas.`;
    case 'stop_triggered':
      return 'O stop já disparou: a ordem está no livro.';
    case 'not_a_stop_order':
      return 'Esta ordem não tem stop.';
    case 'no_limit_price':
      return 'Esta ordem não tem preço limite.';
    case 'not_a_trailing_stop':
      return 'Só um stop móvel tem distância.';
    case 'unchanged':
      return 'A ordem já tem este valor.';
    case 'market_buy_needs_price_band':
      return 'Sem túnel de preços no papel, uma compra a mercado não tem limite: use uma ordem limitada.';
    case 'required':
      return error.field === 'expiresOn' ? 'Escolha até quando a ordem vale.' : 'Obrigatório para este tipo de ordem.';
    case 'past':
      return 'Este pregão já encerrou: escolha um dia a partir do próximo.';
    case 'not_a_trading_day':
      return 'Não há pregão neste dia: escolha um dia útil.';
    case 'too_far':
      return 'No máximo um ano à frente.';
    case 'auction_call':
      return 'Não vale em leilão: só ordens que ficam no livro até ele terminar.';
    case 'not_allowed':
      return 'Não vale para este tipo de ordem.';
    case 'not_good_till_date':
      return 'Só uma ordem válida até uma data tem dia para mudar.';
    default:
      return error.message;
  }
}

/** Each field's first error, in the words `word` gives it. */
export function byField(errors: readonly FieldError[], word: (error: FieldError) => string): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const error of errors) texts[error.field] ??= word(error);
  return texts;
}

/** Each field's first error, as `fieldText` words it. */
export function fieldTexts(errors: readonly FieldError[], context: TextContext = {}): Record<string, string> {
  return byField(errors, (error) => fieldText(error, context));
}

/**
 * An error answer's fields, each as `fieldText` words it (`namedFieldText` with `named`), but one whose code is
 * the answer's own (an insufficient balance, on the field that asked for it) as `failureText` words the answer:
 * with its amounts.
 */
export function answerFieldTexts(
  failure: ApiFailure,
  context: TextContext = {},
  named = false,
): Record<string, string> {
  return byField(failure.fields, (error) => {
    if (error.code === failure.code) return failureText(failure);
    return named ? namedFieldText(error, context) : fieldText(error, context);
  });
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  price: 'Preço',
  stopPrice: 'Preço de disparo',
  trailingOffset: 'Distância',
  quantity: 'Quantidade',
  timeInForce: 'Validade',
  expiresOn: 'Válida até',
};

/** `fieldText`, named, for a message shown away from its field: "Preço: deve ser múltiplo de 0,01." */
export function namedFieldText(error: FieldError, context: TextContext = {}): string {
  const text = fieldText(error, context);
  const name = FIELD_NAMES[error.field];
  return name === undefined ? text : `${name}: ${lowerFirst(text)}`;
}

const FAILURES: Readonly<Record<string, string>> = {
  validation_failed: 'Confira os campos indicados.',
  malformed_json: 'A corretora não entendeu o pedido.',
  payload_too_large: 'A corretora não entendeu o pedido.',
  unsupported_media_type: 'A corretora não entendeu o pedido.',
  unauthorized: 'Sua sessão terminou: entre de novo.',
  forbidden: 'Você não tem permissão para isso.',
  not_found: 'Não encontrado.',
  method_not_allowed: 'A corretora não entendeu o pedido.',
  unknown_symbol: 'Papel desconhecido.',
  idempotency_conflict: 'Este envio difere de outro feito com a mesma chave; confira suas ordens.',
  duplicate_client_order_id: 'Já há uma ordem aberta com este identificador.',
  order_not_open: 'A ordem já foi encerrada.',
  trading_halted: 'A negociação deste papel está suspensa.',
  market_closed: 'O pregão está fechado; você ainda pode cancelar ordens.',
  auction_call: 'Em leilão só entram ordens que ficam no livro até ele terminar: sem mercado, IOC, FOK ou post-only.',
  account_suspended: 'Sua conta está suspensa pela bolsa; você ainda pode cancelar ordens.',
  invalid_credentials: 'E-mail ou senha incorretos.',
  password_incorrect: 'Senha atual incorreta.',
  email_taken: 'Já existe uma conta com este e-mail.',
  csrf_failed: 'A página ficou desatualizada: recarregue-a.',
  read_only_key: 'Esta chave de API só consulta: use uma chave que negocia.',
  rate_limited: 'Muitas tentativas seguidas; aguarde um pouco.',
  internal_error: 'A corretora falhou ao atender; tente de novo.',
  unavailable: 'A bolsa não confirmou a tempo; tente de novo.',
  too_many_alerts: `Você já tem ${MAX_ACTIVE_PRICE_ALERTS} alertas aguardando: exclua um antes de criar outro.`,
};

/** When a request got no answer from the API at all. */
export const NO_ANSWER_TEXT = 'A corretora não respondeu; tente de novo.';

/** When the next page of a list ("Carregar mais") did not come. */
export const MORE_FAILED_TEXT = 'Não foi possível carregar mais; tente de novo.';

/** The call auctions that refuse what cannot rest (`auction_call`'s `details.auction`), by name. */
const AUCTION_NAMES: Readonly<Record<string, string>> = {
  opening: 'Leilão de pré-abertura',
  closing: 'Leilão de fechamento',
  reopening: 'Leilão de reabertura',
  volatility: 'Leilão de volatilidade',
};

const detail = (failure: ApiFailure, key: string) => {
  const value = failure.details[key];
  return typeof value === 'string' ? value : null;
};

/** An error answer as a whole, in Portuguese: by its code, with the amounts its details give. */
export function failureText(failure: ApiFailure): string {
  const required = detail(failure, 'required');
  const available = detail(failure, 'available');
  if (failure.code === 'insufficient_funds' && required !== null && available !== null) {
    return `Saldo insuficiente: a ordem precisa de ${formatBRL(required)} e há ${formatBRL(available)} disponíveis.`;
  }
  if (failure.code === 'insufficient_shares' && required !== null && available !== null) {
    const asset = detail(failure, 'asset') ?? '';
    return `Ações ${asset} insuficientes: a ordem precisa de ${formatQuantity(required)} e há ${formatQuantity(available)} livres.`;
  }
  const reason = detail(failure, 'reason');
  if (failure.code === 'account_suspended' && reason !== null) {
    return `Sua conta está suspensa pela bolsa (${reason}); você ainda pode cancelar ordens.`;
  }
  if (failure.code === 'trading_halted' && reason !== null) {
    return `A negociação deste papel está suspensa (${reason}).`;
  }
  const opensAt = detail(failure, 'opensAt');
  if (failure.code === 'market_closed' && opensAt !== null) {
    return `O pregão está fechado até ${instantText(opensAt)}; você ainda pode cancelar ordens.`;
  }
  const endsAt = detail(failure, 'endsAt');
  if (failure.code === 'auction_call' && endsAt !== null) {
    const auction = AUCTION_NAMES[detail(failure, 'auction') ?? 'opening'] ?? AUCTION_NAMES['opening'];
    return `${auction} até ${instantText(endsAt)}: sem ordens a mercado, IOC, FOK ou post-only até lá.`;
  }
  return FAILURES[failure.code] ?? failure.message;
}

/** Why a request failed, in Portuguese: its error answer's words, or that the API did not answer at all. */
export function requestFailureText(error: unknown): string {
  return error instanceof ApiFailure ? failureText(error) : NO_ANSWER_TEXT;
}

/**
 * An amend's error answer. Its `unavailable` (503) means the amend may or may not have reached the exchange: if it
 * did not, the API withdraws it a few seconds later (the order stays as it was, and a notice says so).
 */
export function amendFailureText(failure: ApiFailure): string {
  if (failure.code === 'unavailable') {
    return 'A bolsa não confirmou a alteração: se ela não chegou, é descartada em alguns segundos e a ordem segue como estava.';
  }
  return failureText(failure);
}

/**
 * Why a cancel (of one order, or of all) did not go through. Cancelling again is safe: a cancel that did arrive
 * makes the next one an answer that the order is no longer open.
 */
export function cancelFailureText(error: unknown): string {
  if (!(error instanceof ApiFailure)) return `Cancelamento sem resposta: ${lowerFirst(NO_ANSWER_TEXT)}`;
  if (error.code === 'unavailable')
    return 'A bolsa não confirmou o cancelamento a tempo: confira a ordem e, se seguir aberta, cancele de novo.';
  return `Não foi possível cancelar: ${lowerFirst(failureText(error))}`;
}

/** A sentence made the second part of another. */
const lowerFirst = (text: string): string => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
