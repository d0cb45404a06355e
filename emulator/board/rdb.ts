/**
 * The built-in board: the MT3620 reference development board's user-visible parts on the GPIOs
 * its hardware definition (mt3620_rdb.json) names — four RGB LEDs plus the status and networking
 * LEDs, and buttons A and B. On that board LEDs and buttons are active low: an LED is lit while
 * its GPIO is 0, a button reads 0 while pressed (pulled up to 1 otherwise).
 */
export interface LedPart { kind: 'led'; name: string; gpio: number; activeLow: boolean }
export interface ButtonPart { kind: 'button'; name: string; gpio: number; activeLow: boolean }
export type Part = LedPart | ButtonPart;

const rgb = (name: string, r: number, g: number, b: number): LedPart[] => [
  { kind: 'led', name: `${name}_red`, gpio: r, activeLow: true },
  { kind: 'led', name: `${name}_green`, gpio: g, activeLow: true },
  { kind: 'led', name: `${name}_blue`, gpio: b, activeLow: true },
];

export const MT3620_RDB_PARTS: readonly Part[] = [
  ...rgb('led1', 8, 9, 10),
  ...rgb('led2', 15, 16, 17),
  ...rgb('led3', 18, 19, 20),
  ...rgb('led4', 21, 22, 23),
  ...rgb('status_led', 45, 46, 47),
  ...rgb('networking_led', 48, 14, 11),
  { kind: 'button', name: 'a', gpio: 12, activeLow: true },
  { kind: 'button', name: 'b', gpio: 13, activeLow: true },
];

/** Which model sits on which bus of the MT3620 RDB as the samples' hardware definition wires it. */
export const MT3620_RDB_WIRING = {
  /** ISU UARTs whose TX is looped to their RX (header 2, pins 1 and 3 joined for ISU0). */
  uartLoopback: [0] as readonly number[],
  /** I2C targets by ISU bus and 7-bit address. */
  i2c: { 2: { 0x6a: 'lsm6ds3' } } as Readonly<Record<number, Readonly<Record<number, 'lsm6ds3'>>>>,
  /** SPI targets by ISU bus and chip select (-1 = CS A, -2 = CS B). */
  spi: { 1: { [-1]: 'lsm6ds3' } } as Readonly<Record<number, Readonly<Record<number, 'lsm6ds3'>>>>,
  /** LEDs that PWM controller 2 drives (channel 0-2: LED 1 red/green/blue, 3: networking LED blue), by GPIO. */
  pwmLeds: { 8: [2, 0], 9: [2, 1], 10: [2, 2], 11: [2, 3] } as Readonly<Record<number, readonly [controller: number, channel: number]>>,
};
