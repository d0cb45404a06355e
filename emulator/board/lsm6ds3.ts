/**
 * A model of ST's LSM6DS3 accelerometer and gyroscope as an I2C/SPI target (facts from its
 * datasheet, DocID026899): WHO_AM_I (0x0F) reads 0x69; CTRL1_XL (0x10) / CTRL2_G (0x11) set the
 * output data rate and full scale; CTRL3_C (0x12) bit 0 is a software reset that clears itself,
 * bit 2 (IF_INC, set at reset) makes multi-byte reads advance the register; STATUS_REG (0x1E)
 * bit 0 / bit 1 say accelerometer / gyroscope data is ready while that sensor runs; OUTX_L_G
 * (0x22) … OUTZ_H_XL (0x2D) hold the readings, little-endian, from the motion the model is given
 * (milli-g and milli-degrees per second). It knows nothing of the app or the bus it sits on.
 */

export interface Motion { ax: number; ay: number; az: number; gx: number; gy: number; gz: number }

export const LSM6DS3_WHO_AM_I = 0x69;
const REG = { whoAmI: 0x0f, ctrl1Xl: 0x10, ctrl2G: 0x11, ctrl3C: 0x12, status: 0x1e, outxLG: 0x22 } as const;
/** Accelerometer sensitivity in milli-g per LSB for full scale ±2/±16/±4/±8 g (FS_XL bits 00/01/10/11). */
const XL_MG_PER_LSB = [0.061, 0.488, 0.122, 0.244] as const;
/** Gyroscope sensitivity in mdps per LSB for ±245/±500/±1000/±2000 dps (FS_G bits 00/01/10/11). */
const G_MDPS_PER_LSB = [8.75, 17.5, 35, 70] as const;

export class Lsm6ds3 {
  readonly regs = new Uint8Array(128);
  #pointer = 0;
  /** Where readings come from; replaced to move the sensor. */
  motion: () => Motion;

  constructor(motion: () => Motion = () => ({ ax: 0, ay: 0, az: 1000, gx: 0, gy: 0, gz: 0 })) {
    this.motion = motion;
    this.reset();
  }

  reset(): void {
    this.regs.fill(0);
    this.regs[REG.whoAmI] = LSM6DS3_WHO_AM_I;
    this.regs[REG.ctrl3C] = 0x04;
  }

  /** A bus write: the first byte selects the register, the rest are written from there on. */
  write(data: Uint8Array): void {
    if (!data.length) return;
    this.#pointer = data[0]! & 0x7f;
    for (let i = 1; i < data.length; i++) this.#store(this.#pointer + i - 1, data[i]!);
    if (data.length > 1 && this.#autoIncrement()) this.#pointer = (this.#pointer + data.length - 1) & 0x7f;
  }

  /** A bus read from the selected register (advancing it when IF_INC is set). */
  read(into: Uint8Array): void {
    this.#sample();
    for (let i = 0; i < into.length; i++) {
      into[i] = this.regs[this.#pointer]!;
      if (this.#autoIncrement()) this.#pointer = (this.#pointer + 1) & 0x7f;
    }
  }

  #autoIncrement(): boolean {
    return (this.regs[REG.ctrl3C]! & 0x04) !== 0;
  }

  #store(reg: number, value: number): void {
    const r = reg & 0x7f;
    if (r === REG.whoAmI || r === REG.status || (r >= REG.outxLG && r < REG.outxLG + 12)) return;
    if (r === REG.ctrl3C && value & 0x01) { this.reset(); return; }
    this.regs[r] = value;
  }

  /** Fills the output registers and the status from the motion, for the sensors that run. */
  #sample(): void {
    const m = this.motion();
    const xlOn = this.regs[REG.ctrl1Xl]! >> 4 !== 0;
    const gOn = this.regs[REG.ctrl2G]! >> 4 !== 0;
    this.regs[REG.status] = (xlOn ? 1 : 0) | (gOn ? 2 : 0);
    const put = (reg: number, v: number) => {
      const x = Math.max(-32768, Math.min(32767, Math.round(v)));
      this.regs[reg] = x & 0xff;
      this.regs[reg + 1] = (x >> 8) & 0xff;
    };
    const gs = G_MDPS_PER_LSB[(this.regs[REG.ctrl2G]! >> 2) & 3]!;
    const xs = XL_MG_PER_LSB[(this.regs[REG.ctrl1Xl]! >> 2) & 3]!;
    if (gOn) { put(0x22, m.gx / gs); put(0x24, m.gy / gs); put(0x26, m.gz / gs); }
    if (xlOn) { put(0x28, m.ax / xs); put(0x2a, m.ay / xs); put(0x2c, m.az / xs); }
  }
}
