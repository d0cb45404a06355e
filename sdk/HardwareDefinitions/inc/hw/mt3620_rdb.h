// MT3620 RDB: the board's LEDs, buttons and header pins, mapped to MT3620 peripherals.

// Generated from mt3620_rdb.json (MT3620 Reference Development Board (RDB)) by "sphere hwdef generate-header".
// Edit the JSON definition and generate again: changes made to this file are lost.

#pragma once

#include "mt3620.h"

// LED 1, red channel: GPIO 8 (low = on).
#define MT3620_RDB_LED1_RED MT3620_GPIO8

// LED 1, green channel: GPIO 9 (low = on).
#define MT3620_RDB_LED1_GREEN MT3620_GPIO9

// LED 1, blue channel: GPIO 10 (low = on).
#define MT3620_RDB_LED1_BLUE MT3620_GPIO10

// LED 2, red channel: GPIO 15 (low = on).
#define MT3620_RDB_LED2_RED MT3620_GPIO15

// LED 2, green channel: GPIO 16 (low = on).
#define MT3620_RDB_LED2_GREEN MT3620_GPIO16

// LED 2, blue channel: GPIO 17 (low = on).
#define MT3620_RDB_LED2_BLUE MT3620_GPIO17

// LED 3, red channel: GPIO 18 (low = on).
#define MT3620_RDB_LED3_RED MT3620_GPIO18

// LED 3, green channel: GPIO 19 (low = on).
#define MT3620_RDB_LED3_GREEN MT3620_GPIO19

// LED 3, blue channel: GPIO 20 (low = on).
#define MT3620_RDB_LED3_BLUE MT3620_GPIO20

// LED 4, red channel: GPIO 21 (low = on).
#define MT3620_RDB_LED4_RED MT3620_GPIO21

// LED 4, green channel: GPIO 22 (low = on).
#define MT3620_RDB_LED4_GREEN MT3620_GPIO22

// LED 4, blue channel: GPIO 23 (low = on).
#define MT3620_RDB_LED4_BLUE MT3620_GPIO23

// Status LED, red channel: GPIO 45 (low = on).
#define MT3620_RDB_STATUS_LED_RED MT3620_GPIO45

// Status LED, green channel: GPIO 46 (low = on).
#define MT3620_RDB_STATUS_LED_GREEN MT3620_GPIO46

// Status LED, blue channel: GPIO 47 (low = on).
#define MT3620_RDB_STATUS_LED_BLUE MT3620_GPIO47

// Networking LED, red channel: GPIO 48 (low = on).
#define MT3620_RDB_NETWORKING_LED_RED MT3620_GPIO48

// Networking LED, green channel: GPIO 14 (low = on).
#define MT3620_RDB_NETWORKING_LED_GREEN MT3620_GPIO14

// Networking LED, blue channel: GPIO 11 (low = on).
#define MT3620_RDB_NETWORKING_LED_BLUE MT3620_GPIO11

// Button A: GPIO 12 (reads low while pressed).
#define MT3620_RDB_BUTTON_A MT3620_GPIO12

// Button B: GPIO 13 (reads low while pressed).
#define MT3620_RDB_BUTTON_B MT3620_GPIO13

// Header 1, pin 3: GPIO 59.
#define MT3620_RDB_HEADER1_PIN3_GPIO MT3620_GPIO59

// Header 1, pin 4: GPIO 0.
#define MT3620_RDB_HEADER1_PIN4_GPIO MT3620_GPIO0

// Header 1, pin 5: GPIO 56.
#define MT3620_RDB_HEADER1_PIN5_GPIO MT3620_GPIO56

// Header 1, pin 6: GPIO 1.
#define MT3620_RDB_HEADER1_PIN6_GPIO MT3620_GPIO1

// Header 1, pin 7: GPIO 58.
#define MT3620_RDB_HEADER1_PIN7_GPIO MT3620_GPIO58

// Header 1, pin 8: GPIO 2.
#define MT3620_RDB_HEADER1_PIN8_GPIO MT3620_GPIO2

// Header 1, pin 9: GPIO 57.
#define MT3620_RDB_HEADER1_PIN9_GPIO MT3620_GPIO57

// Header 1, pin 10: GPIO 3.
#define MT3620_RDB_HEADER1_PIN10_GPIO MT3620_GPIO3

// Header 1, pin 11: GPIO 60.
#define MT3620_RDB_HEADER1_PIN11_GPIO MT3620_GPIO60

// Header 1, pin 12: GPIO 4.
#define MT3620_RDB_HEADER1_PIN12_GPIO MT3620_GPIO4

// Header 2, pin 1: GPIO 28.
#define MT3620_RDB_HEADER2_PIN1_GPIO MT3620_GPIO28

// Header 2, pin 3: GPIO 26.
#define MT3620_RDB_HEADER2_PIN3_GPIO MT3620_GPIO26

// Header 2, pin 4: GPIO 5.
#define MT3620_RDB_HEADER2_PIN4_GPIO MT3620_GPIO5

// Header 2, pin 5: GPIO 29.
#define MT3620_RDB_HEADER2_PIN5_GPIO MT3620_GPIO29

// Header 2, pin 6: GPIO 6.
#define MT3620_RDB_HEADER2_PIN6_GPIO MT3620_GPIO6

// Header 2, pin 7: GPIO 27.
#define MT3620_RDB_HEADER2_PIN7_GPIO MT3620_GPIO27

// Header 2, pin 8: GPIO 7.
#define MT3620_RDB_HEADER2_PIN8_GPIO MT3620_GPIO7

// Header 2, pin 9: GPIO 30.
#define MT3620_RDB_HEADER2_PIN9_GPIO MT3620_GPIO30

// Header 2, pin 11: GPIO 41.
#define MT3620_RDB_HEADER2_PIN11_GPIO MT3620_GPIO41

// Header 2, pin 12: GPIO 43.
#define MT3620_RDB_HEADER2_PIN12_GPIO MT3620_GPIO43

// Header 2, pin 13: GPIO 42.
#define MT3620_RDB_HEADER2_PIN13_GPIO MT3620_GPIO42

// Header 2, pin 14: GPIO 44.
#define MT3620_RDB_HEADER2_PIN14_GPIO MT3620_GPIO44

// Header 3, pin 5: GPIO 66.
#define MT3620_RDB_HEADER3_PIN5_GPIO MT3620_GPIO66

// Header 3, pin 7: GPIO 67.
#define MT3620_RDB_HEADER3_PIN7_GPIO MT3620_GPIO67

// Header 3, pin 9: GPIO 68.
#define MT3620_RDB_HEADER3_PIN9_GPIO MT3620_GPIO68

// Header 3, pin 11: GPIO 69.
#define MT3620_RDB_HEADER3_PIN11_GPIO MT3620_GPIO69

// Header 3, pin 12: GPIO 70.
#define MT3620_RDB_HEADER3_PIN12_GPIO MT3620_GPIO70

// Header 4, pin 5: GPIO 33.
#define MT3620_RDB_HEADER4_PIN5_GPIO MT3620_GPIO33

// Header 4, pin 6: GPIO 38.
#define MT3620_RDB_HEADER4_PIN6_GPIO MT3620_GPIO38

// Header 4, pin 7: GPIO 31.
#define MT3620_RDB_HEADER4_PIN7_GPIO MT3620_GPIO31

// Header 4, pin 8: GPIO 36.
#define MT3620_RDB_HEADER4_PIN8_GPIO MT3620_GPIO36

// Header 4, pin 9: GPIO 34.
#define MT3620_RDB_HEADER4_PIN9_GPIO MT3620_GPIO34

// Header 4, pin 10: GPIO 39.
#define MT3620_RDB_HEADER4_PIN10_GPIO MT3620_GPIO39

// Header 4, pin 11: GPIO 32.
#define MT3620_RDB_HEADER4_PIN11_GPIO MT3620_GPIO32

// Header 4, pin 12: GPIO 37.
#define MT3620_RDB_HEADER4_PIN12_GPIO MT3620_GPIO37

// Header 4, pin 13: GPIO 35.
#define MT3620_RDB_HEADER4_PIN13_GPIO MT3620_GPIO35

// Header 4, pin 14: GPIO 40.
#define MT3620_RDB_HEADER4_PIN14_GPIO MT3620_GPIO40

// PWM controller 0: channel 0 on header 1 pin 4, 1 on header 1 pin 6, 2 on header 1 pin 8, 3 on header 1 pin 10; its GPIOs cannot be used with it.
#define MT3620_RDB_PWM_CONTROLLER0 MT3620_PWM_CONTROLLER0

// PWM controller 1: channel 0 on header 1 pin 12, 1 on header 2 pin 4, 2 on header 2 pin 6, 3 on header 2 pin 8; its GPIOs cannot be used with it.
#define MT3620_RDB_PWM_CONTROLLER1 MT3620_PWM_CONTROLLER1

// PWM controller 2 drives LED 1 (channels 0-2 = red, green, blue) and channel 3 the networking LED; its GPIOs cannot be used with it.
#define MT3620_RDB_LED_PWM_CONTROLLER2 MT3620_PWM_CONTROLLER2

// ADC controller 0: channel 0 on header 2 pin 11, 1 on header 2 pin 13, 2 on header 2 pin 12, 3 on header 2 pin 14; its GPIOs cannot be used with it.
#define MT3620_RDB_ADC_CONTROLLER0 MT3620_ADC_CONTROLLER0

// ISU 0 I2C on header 2: SDA pin 1, SCL pin 7.
#define MT3620_RDB_HEADER2_ISU0_I2C MT3620_ISU0_I2C

// ISU 1 I2C on header 4: SDA pin 5, SCL pin 11.
#define MT3620_RDB_HEADER4_ISU1_I2C MT3620_ISU1_I2C

// ISU 2 I2C on header 4: SDA pin 6, SCL pin 12.
#define MT3620_RDB_HEADER4_ISU2_I2C MT3620_ISU2_I2C

// ISU 3 I2C on header 3: SDA pin 9, SCL pin 7.
#define MT3620_RDB_HEADER3_ISU3_I2C MT3620_ISU3_I2C

// ISU 0 SPI on header 2: MISO pin 1, SCLK pin 3, CSA pin 5, MOSI pin 7, CSB pin 9.
#define MT3620_RDB_HEADER2_ISU0_SPI MT3620_ISU0_SPI

// ISU 1 SPI on header 4: MISO pin 5, SCLK pin 7, CSA pin 9, MOSI pin 11, CSB pin 13.
#define MT3620_RDB_HEADER4_ISU1_SPI MT3620_ISU1_SPI

// ISU 2 SPI on header 4: MISO pin 6, SCLK pin 8, CSA pin 10, MOSI pin 12, CSB pin 14.
#define MT3620_RDB_HEADER4_ISU2_SPI MT3620_ISU2_SPI

// ISU 3 SPI on header 3: MISO pin 9, SCLK pin 5, CSA pin 11, MOSI pin 7, CSB pin 12.
#define MT3620_RDB_HEADER3_ISU3_SPI MT3620_ISU3_SPI

// ISU 0 UART on header 2: RX pin 1, TX pin 3, CTS pin 5, RTS pin 7.
#define MT3620_RDB_HEADER2_ISU0_UART MT3620_ISU0_UART

// ISU 1 UART on header 4: RX pin 5, TX pin 7, CTS pin 9, RTS pin 11.
#define MT3620_RDB_HEADER4_ISU1_UART MT3620_ISU1_UART

// ISU 2 UART on header 4: RX pin 6, TX pin 8, CTS pin 10, RTS pin 12.
#define MT3620_RDB_HEADER4_ISU2_UART MT3620_ISU2_UART

// ISU 3 UART on header 3: RX pin 9, TX pin 5, CTS pin 11, RTS pin 7.
#define MT3620_RDB_HEADER3_ISU3_UART MT3620_ISU3_UART
