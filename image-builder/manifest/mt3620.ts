/**
 * The MT3620's peripherals as an app manifest names them, and its pin blocks (spec app-manifest.md
 * §3 value conventions, §4 rule 5). A block's pins can be configured one way per device: as GPIOs,
 * or as the controller (PWM, ADC) or interface (ISU as I2C, SPI or UART) that owns them.
 */

/** Valid GPIO numbers: 0–23, 26–48, 56–75 and 80. */
export const MT3620_GPIO_RANGES: readonly (readonly [number, number])[] = [[0, 23], [26, 48], [56, 75], [80, 80]];
export const MT3620_GPIO_TEXT = '0–23, 26–48, 56–75 or 80';

export function isMt3620Gpio(n: number): boolean {
  if (!Number.isInteger(n)) return false;
  for (const [lo, hi] of MT3620_GPIO_RANGES) if (n >= lo && n <= hi) return true;
  return false;
}

/** Pin blocks shared by GPIOs and one other function; GPIOs 12–23, 56–65 and 80 belong to none. */
export const MT3620_PIN_BLOCKS: readonly { block: string; gpios: readonly [number, number] }[] = [
  { block: 'PWM-CONTROLLER-0', gpios: [0, 3] },
  { block: 'PWM-CONTROLLER-1', gpios: [4, 7] },
  { block: 'PWM-CONTROLLER-2', gpios: [8, 11] },
  { block: 'ISU0', gpios: [26, 30] },
  { block: 'ISU1', gpios: [31, 35] },
  { block: 'ISU2', gpios: [36, 40] },
  { block: 'ADC-CONTROLLER-0', gpios: [41, 48] },
  { block: 'ISU3', gpios: [66, 70] },
  { block: 'ISU4', gpios: [71, 75] },
];

/** The block a GPIO's pin belongs to, or undefined for a plain GPIO. */
export function gpioBlock(n: number): string | undefined {
  for (const b of MT3620_PIN_BLOCKS) if (n >= b.gpios[0] && n <= b.gpios[1]) return b.block;
  return undefined;
}

/** External interrupts EINT0–EINT23 are multiplexed with the pins of GPIO 0–23. */
export const MT3620_EINT_COUNT = 24;

/**
 * The string values each peripheral capability accepts (Gpio takes integers instead). The ISU
 * names are shared by I2cMaster, SpiMaster and Uart: the value names the block, the capability its use.
 */
export const MT3620_STRING_VALUES = {
  Pwm: ['PWM-CONTROLLER-0', 'PWM-CONTROLLER-1', 'PWM-CONTROLLER-2'],
  Adc: ['ADC-CONTROLLER-0'],
  I2cMaster: ['ISU0', 'ISU1', 'ISU2', 'ISU3', 'ISU4'],
  SpiMaster: ['ISU0', 'ISU1', 'ISU2', 'ISU3', 'ISU4'],
  Uart: ['ISU0', 'ISU1', 'ISU2', 'ISU3', 'ISU4'],
  I2sSubordinate: ['I2S0', 'I2S1'],
  ExternalInterrupt: Array.from({ length: MT3620_EINT_COUNT }, (_, i) => `EINT${i}`),
} as const satisfies Record<string, readonly string[]>;

/** What one manifest entry claims: a whole block (a controller or interface) or one pin. */
export interface PinUsage {
  /** The block it lies in (absent for a plain pin, or a block without GPIOs such as I2S0). */
  block?: string;
  /** The GPIO pin, for a GPIO or an external interrupt. */
  pin?: number;
  /** `gpio`, `eint`, or the capability that claims the whole block. */
  way: string;
}

/** The claim a valid peripheral value makes, for the exclusivity check. */
export function usageOf(capability: string, value: string | number): PinUsage {
  if (capability === 'Gpio' && typeof value === 'number') return _pin(value, 'gpio');
  const v = String(value);
  if (capability === 'ExternalInterrupt') return _pin(Number(v.slice(4)), 'eint');
  return { block: v, way: capability };
}

function _pin(n: number, way: string): PinUsage {
  const block = gpioBlock(n);
  return block === undefined ? { pin: n, way } : { block, pin: n, way };
}
