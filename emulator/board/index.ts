/**
 * emulator/board/ public face: the board the apps drive — its GPIO pins and parts (the MT3620
 * RDB's LEDs and buttons, active low) — and the local control channel through which
 * `sphere emulator io` shows and drives them.
 */
export { GpioBoard, GPIO_PINS, type PinView, type Change } from './gpio';
export { MT3620_RDB, MT3620_RDB_PARTS, MT3620_RDB_WIRING, MODELS, BoardError, parseBoard, partsOf, wiringOf, type BoardDescription, type Part, type Wiring } from './description';
export { serveControl, controlRequest, controlSocketPath, ControlError, type ControlServer, type ControlHandlers } from './control';
export { listenLocal, localSocketPath, type LocalListener } from './local-socket';
export { Lsm6ds3, LSM6DS3_WHO_AM_I, type Motion } from './lsm6ds3';
export { checkUartBridgePorts, openUartBridge, UartBridgeError, type UartBridge } from './uart-bridge';
export { checkSocat, openUartPty, uartPtyPath, UartPtyError, type UartPty } from './uart-pty';
