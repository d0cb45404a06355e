// MT3620 peripherals: the values code passes to applibs and the app manifest expects.

// Generated from mt3620.json (MT3620) by "sphere hwdef generate-header".
// Edit the JSON definition and generate again: changes made to this file are lost.

#pragma once

// GPIO 0; its pin also serves PWM controller 0.
#define MT3620_GPIO0 (0)

// GPIO 1; its pin also serves PWM controller 0.
#define MT3620_GPIO1 (1)

// GPIO 2; its pin also serves PWM controller 0.
#define MT3620_GPIO2 (2)

// GPIO 3; its pin also serves PWM controller 0.
#define MT3620_GPIO3 (3)

// GPIO 4; its pin also serves PWM controller 1.
#define MT3620_GPIO4 (4)

// GPIO 5; its pin also serves PWM controller 1.
#define MT3620_GPIO5 (5)

// GPIO 6; its pin also serves PWM controller 1.
#define MT3620_GPIO6 (6)

// GPIO 7; its pin also serves PWM controller 1.
#define MT3620_GPIO7 (7)

// GPIO 8; its pin also serves PWM controller 2.
#define MT3620_GPIO8 (8)

// GPIO 9; its pin also serves PWM controller 2.
#define MT3620_GPIO9 (9)

// GPIO 10; its pin also serves PWM controller 2.
#define MT3620_GPIO10 (10)

// GPIO 11; its pin also serves PWM controller 2.
#define MT3620_GPIO11 (11)

// GPIO 12.
#define MT3620_GPIO12 (12)

// GPIO 13.
#define MT3620_GPIO13 (13)

// GPIO 14.
#define MT3620_GPIO14 (14)

// GPIO 15.
#define MT3620_GPIO15 (15)

// GPIO 16.
#define MT3620_GPIO16 (16)

// GPIO 17.
#define MT3620_GPIO17 (17)

// GPIO 18.
#define MT3620_GPIO18 (18)

// GPIO 19.
#define MT3620_GPIO19 (19)

// GPIO 20.
#define MT3620_GPIO20 (20)

// GPIO 21.
#define MT3620_GPIO21 (21)

// GPIO 22.
#define MT3620_GPIO22 (22)

// GPIO 23.
#define MT3620_GPIO23 (23)

// GPIO 26; its pin also serves ISU0.
#define MT3620_GPIO26 (26)

// GPIO 27; its pin also serves ISU0.
#define MT3620_GPIO27 (27)

// GPIO 28; its pin also serves ISU0.
#define MT3620_GPIO28 (28)

// GPIO 29; its pin also serves ISU0.
#define MT3620_GPIO29 (29)

// GPIO 30; its pin also serves ISU0.
#define MT3620_GPIO30 (30)

// GPIO 31; its pin also serves ISU1.
#define MT3620_GPIO31 (31)

// GPIO 32; its pin also serves ISU1.
#define MT3620_GPIO32 (32)

// GPIO 33; its pin also serves ISU1.
#define MT3620_GPIO33 (33)

// GPIO 34; its pin also serves ISU1.
#define MT3620_GPIO34 (34)

// GPIO 35; its pin also serves ISU1.
#define MT3620_GPIO35 (35)

// GPIO 36; its pin also serves ISU2.
#define MT3620_GPIO36 (36)

// GPIO 37; its pin also serves ISU2.
#define MT3620_GPIO37 (37)

// GPIO 38; its pin also serves ISU2.
#define MT3620_GPIO38 (38)

// GPIO 39; its pin also serves ISU2.
#define MT3620_GPIO39 (39)

// GPIO 40; its pin also serves ISU2.
#define MT3620_GPIO40 (40)

// GPIO 41; its pin also serves ADC controller 0.
#define MT3620_GPIO41 (41)

// GPIO 42; its pin also serves ADC controller 0.
#define MT3620_GPIO42 (42)

// GPIO 43; its pin also serves ADC controller 0.
#define MT3620_GPIO43 (43)

// GPIO 44; its pin also serves ADC controller 0.
#define MT3620_GPIO44 (44)

// GPIO 45; its pin also serves ADC controller 0.
#define MT3620_GPIO45 (45)

// GPIO 46; its pin also serves ADC controller 0.
#define MT3620_GPIO46 (46)

// GPIO 47; its pin also serves ADC controller 0.
#define MT3620_GPIO47 (47)

// GPIO 48; its pin also serves ADC controller 0.
#define MT3620_GPIO48 (48)

// GPIO 56.
#define MT3620_GPIO56 (56)

// GPIO 57.
#define MT3620_GPIO57 (57)

// GPIO 58.
#define MT3620_GPIO58 (58)

// GPIO 59.
#define MT3620_GPIO59 (59)

// GPIO 60.
#define MT3620_GPIO60 (60)

// GPIO 61.
#define MT3620_GPIO61 (61)

// GPIO 62.
#define MT3620_GPIO62 (62)

// GPIO 63.
#define MT3620_GPIO63 (63)

// GPIO 64.
#define MT3620_GPIO64 (64)

// GPIO 65.
#define MT3620_GPIO65 (65)

// GPIO 66; its pin also serves ISU3.
#define MT3620_GPIO66 (66)

// GPIO 67; its pin also serves ISU3.
#define MT3620_GPIO67 (67)

// GPIO 68; its pin also serves ISU3.
#define MT3620_GPIO68 (68)

// GPIO 69; its pin also serves ISU3.
#define MT3620_GPIO69 (69)

// GPIO 70; its pin also serves ISU3.
#define MT3620_GPIO70 (70)

// GPIO 71; its pin also serves ISU4.
#define MT3620_GPIO71 (71)

// GPIO 72; its pin also serves ISU4.
#define MT3620_GPIO72 (72)

// GPIO 73; its pin also serves ISU4.
#define MT3620_GPIO73 (73)

// GPIO 74; its pin also serves ISU4.
#define MT3620_GPIO74 (74)

// GPIO 75; its pin also serves ISU4.
#define MT3620_GPIO75 (75)

// GPIO 80.
#define MT3620_GPIO80 (80)

// PWM controller 0, channels 0 = GPIO 0, 1 = GPIO 1, 2 = GPIO 2, 3 = GPIO 3. Requesting it takes those GPIOs away.
#define MT3620_PWM_CONTROLLER0 (0)

// PWM controller 1, channels 0 = GPIO 4, 1 = GPIO 5, 2 = GPIO 6, 3 = GPIO 7. Requesting it takes those GPIOs away.
#define MT3620_PWM_CONTROLLER1 (1)

// PWM controller 2, channels 0 = GPIO 8, 1 = GPIO 9, 2 = GPIO 10, 3 = GPIO 11. Requesting it takes those GPIOs away.
#define MT3620_PWM_CONTROLLER2 (2)

// ADC controller 0, channels 0 = GPIO 41, 1 = GPIO 42, 2 = GPIO 43, 3 = GPIO 44, 4 = GPIO 45, 5 = GPIO 46, 6 = GPIO 47, 7 = GPIO 48. Requesting it takes those GPIOs away.
#define MT3620_ADC_CONTROLLER0 (0)

// ISU 0 used as I2C master.
#define MT3620_ISU0_I2C (0)

// ISU 1 used as I2C master.
#define MT3620_ISU1_I2C (1)

// ISU 2 used as I2C master.
#define MT3620_ISU2_I2C (2)

// ISU 3 used as I2C master.
#define MT3620_ISU3_I2C (3)

// ISU 4 used as I2C master.
#define MT3620_ISU4_I2C (4)

// ISU 0 used as SPI master.
#define MT3620_ISU0_SPI (0)

// ISU 1 used as SPI master.
#define MT3620_ISU1_SPI (1)

// ISU 2 used as SPI master.
#define MT3620_ISU2_SPI (2)

// ISU 3 used as SPI master.
#define MT3620_ISU3_SPI (3)

// ISU 4 used as SPI master.
#define MT3620_ISU4_SPI (4)

// ISU 0 used as UART.
#define MT3620_ISU0_UART (4)

// ISU 1 used as UART.
#define MT3620_ISU1_UART (5)

// ISU 2 used as UART.
#define MT3620_ISU2_UART (6)

// ISU 3 used as UART.
#define MT3620_ISU3_UART (7)

// ISU 4 used as UART.
#define MT3620_ISU4_UART (8)

// PWM channel 0 (a number for code, not a manifest entry).
#define MT3620_PWM_CHANNEL0 (0)

// PWM channel 1 (a number for code, not a manifest entry).
#define MT3620_PWM_CHANNEL1 (1)

// PWM channel 2 (a number for code, not a manifest entry).
#define MT3620_PWM_CHANNEL2 (2)

// PWM channel 3 (a number for code, not a manifest entry).
#define MT3620_PWM_CHANNEL3 (3)

// SPI chip select A (a number for code, not a manifest entry).
#define MT3620_SPI_CS_A (-1)

// SPI chip select B (a number for code, not a manifest entry).
#define MT3620_SPI_CS_B (-2)

// ADC channel 0 (a number for code, not a manifest entry).
#define MT3620_ADC_CHANNEL0 (0)

// ADC channel 1 (a number for code, not a manifest entry).
#define MT3620_ADC_CHANNEL1 (1)

// ADC channel 2 (a number for code, not a manifest entry).
#define MT3620_ADC_CHANNEL2 (2)

// ADC channel 3 (a number for code, not a manifest entry).
#define MT3620_ADC_CHANNEL3 (3)

// ADC channel 4 (a number for code, not a manifest entry).
#define MT3620_ADC_CHANNEL4 (4)

// ADC channel 5 (a number for code, not a manifest entry).
#define MT3620_ADC_CHANNEL5 (5)

// ADC channel 6 (a number for code, not a manifest entry).
#define MT3620_ADC_CHANNEL6 (6)

// ADC channel 7 (a number for code, not a manifest entry).
#define MT3620_ADC_CHANNEL7 (7)
