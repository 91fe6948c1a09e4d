import { describe, expect, it } from 'vitest';
import { formatCents } from '@bolsa/contracts';
import {
  centsOf,
  decimalInput,
  formatBRL,
  formatDay,
  formatPercent,
  formatPrice,
  formatQuantity,
  priceInput,
  wholeInput,
} from './format';

describe('formatting for pt-BR', () => {
  it.each([
    ['1234.56', 'R$\u00a01.234,56'],
    ['0.05', 'R$\u00a00,05'],
    ['100000.00', 'R$\u00a0100.000,00'],
    ['-12.30', '-R$\u00a012,30'],
    ['90071992547409.91', 'R$\u00a090.071.992.547.409,91'],
  ])('shows %s as %s', (decimal, shown) => {
    expect(formatBRL(decimal)).toBe(shown);
  });

  it('formats prices, quantities and percentages the Brazilian way', () => {
    expect(formatPrice('35.1')).toBe('35,10');
    expect(formatPrice('-0.5', true)).toBe('-0,50');
    expect(formatPrice('2.00', true)).toBe('+2,00');
    expect(formatQuantity('12300')).toBe('12.300');
    expect(formatPercent('1.23')).toBe('+1,23\u00a0%');
    expect(formatPercent('-0.40')).toBe('-0,40\u00a0%');
    expect(formatDay('2026-12-18')).toBe('18/12/2026');
  });

  it('says — for anything that is not a number rather than guessing', () => {
    expect(formatBRL(null)).toBe('—');
    expect(formatBRL('1e5')).toBe('—');
    expect(formatPrice('abc')).toBe('—');
    expect(formatQuantity('')).toBe('—');
  });

  it('converts between decimal strings and cents without floats', () => {
    expect(centsOf('0.29')).toBe(29);
    expect(centsOf('1.1')).toBe(110);
    expect(centsOf('-3.07')).toBe(-307);
    expect(centsOf('1.234')).toBeNull();
    expect(formatCents(123450)).toBe('1234.50');
    expect(formatCents(-5)).toBe('-0.05');
    expect(decimalInput(' 35,10 ')).toBe('35.10');
  });

  it('reads what a Brazilian types and writes input fields the same way', () => {
    expect(decimalInput('1.234,56')).toBe('1234.56');
    expect(decimalInput('1.234.567,8')).toBe('1234567.8');
    expect(decimalInput('35.10')).toBe('35.10');
    expect(wholeInput(' 1.000 ')).toBe('1000');
    expect(wholeInput('12.345.678')).toBe('12345678');
    expect(wholeInput('1.5')).toBe('1.5');
    expect(wholeInput('1.0000')).toBe('1.0000');
    expect(wholeInput('250')).toBe('250');
    expect(priceInput(123450)).toBe('1234,50');
    expect(priceInput('37.98')).toBe('37,98');
    expect(priceInput(5)).toBe('0,05');
    expect(priceInput(-5)).toBe('-0,05');
    expect(priceInput('abc')).toBe('abc');
  });
});
