import { DEFAULT_INSTRUMENTS } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { ApiFailure } from './api';
import { instantText } from './calendar';
import {
  amendFailureText,
  answerFieldTexts,
  cancelFailureText,
  failureText,
  fieldText,
  fieldTexts,
  namedFieldText,
  NO_ANSWER_TEXT,
  requestFailureText,
} from './error-text';

const petr4 = DEFAULT_INSTRUMENTS.find((instrument) => instrument.symbol === 'PETR4')!;
const field = (name: string, code: string, message = `${name} is wrong (${code})`) => ({ field: name, code, message });

describe('field errors in Portuguese', () => {
  it.each([
    [field('price', 'malformed'), 'Digite um valor como 12,34.'],
    [field('quantity', 'malformed'), 'Digite um número inteiro, como 100.'],
    [field('quantity', 'empty'), 'Obrigatório.'],
    [field('price', 'negative'), 'Não pode ser negativo.'],
    [field('quantity', 'zero'), 'Deve ser maior que zero.'],
    [field('price', 'too_precise'), 'Use no máximo 2 casas decimais.'],
    [field('quantity', 'too_precise'), 'Deve ser um número inteiro.'],
    [field('quantity', 'too_large'), 'No máximo 2.147.483.647 ações.'],
    [field('price', 'off_tick'), 'Deve ser múltiplo de 0,01.'],
    [field('quantity', 'off_lot'), 'Deve ser múltiplo do lote de 1.'],
    [field('stopPrice', 'price_out_of_band'), 'Deve estar entre 1,00 e 1.000,00.'],
    [field('price', 'required'), 'Obrigatório para este tipo de ordem.'],
    [field('timeInForce', 'not_allowed'), 'Não vale para este tipo de ordem.'],
    [field('expiresOn', 'not_good_till_date'), 'Só uma ordem válida até uma data tem dia para mudar.'],
  ])('%j → %s', (error, text) => {
    expect(fieldText(error, { rules: petr4 })).toBe(text);
  });

  it("says the instrument's rules only when it knows them", () => {
    expect(fieldText(field('price', 'off_tick'))).toBe('Fora do passo de preço do papel.');
    expect(fieldText(field('price', 'price_out_of_band'), { rules: { ...petr4, priceBand: null } })).toBe(
      'Fora do túnel de preços do papel.',
    );
    expect(fieldText(field('quantity', 'quantity_below_filled'), { filled: '1200' })).toBe(
      'Deve ser maior que as 1.200 já executadas.',
    );
  });

  it("keeps the API's own text for a code it does not know, and names the field away from it", () => {
    expect(fieldText(field('price', 'brand_new_rule', 'price breaks a new rule'))).toBe('price breaks a new rule');
    expect(namedFieldText(field('stopPrice', 'off_tick'), { rules: petr4 })).toBe(
      'Preço de disparo: deve ser múltiplo de 0,01.',
    );
    expect(fieldTexts([field('price', 'zero'), field('price', 'off_tick'), field('quantity', 'empty')])).toEqual({
      price: 'Deve ser maior que zero.',
      quantity: 'Obrigatório.',
    });
  });
});

describe('error answers in Portuguese', () => {
  it('gives the amounts an insufficient balance names, as the screen shows amounts', () => {
    const cash = new ApiFailure(422, 'insufficient_funds', 'not enough available cash', [], {
      asset: 'BRL',
      required: '104531.35',
      available: '102500.00',
    });
    expect(failureText(cash)).toBe(
      'Saldo insuficiente: a ordem precisa de R$\u00a0104.531,35 e há R$\u00a0102.500,00 disponíveis.',
    );
    const shares = new ApiFailure(422, 'insufficient_shares', 'not enough', [], {
      asset: 'PETR4',
      required: '5000',
      available: '1000',
    });
    expect(failureText(shares)).toBe('Ações PETR4 insuficientes: a ordem precisa de 5.000 e há 1.000 livres.');
  });

  it('names the call auction that refused an order, and when it ends', () => {
    const refusal = (auction: string) =>
      failureText(
        new ApiFailure(409, 'auction_call', 'the reopening call auction takes only orders that can rest', [], {
          auction,
          endsAt: '2026-12-07T18:15:00.000Z',
        }),
      );
    expect(refusal('reopening')).toMatch(/^Leilão de reabertura até seg\., 07\/12, \d\d:15 .*: sem ordens a mercado/);
    expect(refusal('closing')).toMatch(/^Leilão de fechamento até /);
    expect(refusal('volatility')).toMatch(/^Leilão de volatilidade até /);
    expect(refusal('opening')).toMatch(/^Leilão de pré-abertura até /);
  });

  it('says why any request failed: its answer in words, or that nothing answered', () => {
    const refused = new ApiFailure(403, 'read_only_key', 'this API key only reads');
    expect(requestFailureText(refused)).toBe(failureText(refused));
    expect(requestFailureText(refused)).toBe('Esta chave de API só consulta: use uma chave que negocia.');
    expect(requestFailureText(new TypeError('fetch failed'))).toBe(NO_ANSWER_TEXT);
  });

  it('tells of an amend the exchange did not confirm that it may still be withdrawn; other answers as usual', () => {
    const unconfirmed = new ApiFailure(503, 'unavailable', 'the exchange did not take the request in time');
    expect(amendFailureText(unconfirmed)).toMatch(/^A bolsa não confirmou a alteração: .*descartada/);
    expect(failureText(unconfirmed)).toBe('A bolsa não confirmou a tempo; tente de novo.');
    const closed = new ApiFailure(409, 'order_not_open', 'the order is filled');
    expect(amendFailureText(closed)).toBe(failureText(closed));
  });

  it('says why a cancel did not go through, and that one the exchange did not confirm may be sent again', () => {
    expect(cancelFailureText(new ApiFailure(409, 'order_not_open', 'the order is filled'))).toBe(
      'Não foi possível cancelar: a ordem já foi encerrada.',
    );
    expect(cancelFailureText(new ApiFailure(503, 'unavailable', 'the exchange could not be reached'))).toMatch(
      /^A bolsa não confirmou o cancelamento a tempo: .*cancele de novo\.$/,
    );
    expect(cancelFailureText(new TypeError('Failed to fetch'))).toBe(
      'Cancelamento sem resposta: a corretora não respondeu; tente de novo.',
    );
  });

  it("words a field that repeats the answer's code as the answer, the others as fields", () => {
    const answer = new ApiFailure(
      422,
      'insufficient_funds',
      'not enough',
      [field('price', 'insufficient_funds'), field('quantity', 'off_lot')],
      { asset: 'BRL', required: '2500.75', available: '100.00' },
    );
    expect(answerFieldTexts(answer, {}, true)).toEqual({
      price: 'Saldo insuficiente: a ordem precisa de R$\u00a02.500,75 e há R$\u00a0100,00 disponíveis.',
      quantity: 'Quantidade: fora do lote do papel.',
    });
  });

  it("words every code by itself, and keeps the API's text for one it does not know", () => {
    expect(failureText(new ApiFailure(409, 'order_not_open', 'the order is filled'))).toBe('A ordem já foi encerrada.');
    expect(failureText(new ApiFailure(409, 'trading_halted', 'halted'))).toBe(
      'A negociação deste papel está suspensa.',
    );
    const halted = new ApiFailure(409, 'trading_halted', 'halted', [], { reason: 'Aguardando fato relevante' });
    expect(failureText(halted)).toBe('A negociação deste papel está suspensa (Aguardando fato relevante).');
    expect(failureText(new ApiFailure(403, 'account_suspended', 'suspended', [], { reason: 'KYC em análise' }))).toBe(
      'Sua conta está suspensa pela bolsa (KYC em análise); você ainda pode cancelar ordens.',
    );
    expect(failureText(new ApiFailure(403, 'account_suspended', 'suspended'))).toBe(
      'Sua conta está suspensa pela bolsa; você ainda pode cancelar ordens.',
    );
    expect(failureText(new ApiFailure(409, 'market_closed', 'closed'))).toBe(
      'O pregão está fechado; você ainda pode cancelar ordens.',
    );
    expect(
      failureText(new ApiFailure(409, 'market_closed', 'closed', [], { opensAt: '2026-12-07T13:00:00.000Z' })),
    ).toBe(`O pregão está fechado até ${instantText('2026-12-07T13:00:00.000Z')}; você ainda pode cancelar ordens.`);
    expect(failureText(new ApiFailure(418, 'teapot', 'I am a teapot'))).toBe('I am a teapot');
  });
});
