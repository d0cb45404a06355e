/*
 * The contract between the SDK's C library (libapplibs) and the emulator's WebAssembly host
 * (emulator/runtime/host-table.ts). Every function here is a WebAssembly import from the module
 * "applibs". Unless said otherwise each returns a non-negative value on success and -errno on
 * failure, with errno in WASI numbering (the numbering the app's own <errno.h> uses); the C
 * wrappers turn that into -1 and errno. Pointers are offsets into the app's linear memory.
 *
 * File descriptors the host hands out (GPIO, timers, mutable storage, image files, system
 * events) live in the host's own table at 1000 and above; the host also serves fd_read,
 * fd_write, fd_seek, fd_close, fd_fdstat_get, fd_filestat_get and poll_oneoff for them, so plain
 * read(), write(), lseek(), close() and poll() work on them and wait interruptibly.
 *
 * Link contract (the toolchain's flags): the module imports its memory (env.memory, so the host
 * sets the cap) and exports its function table (__indirect_function_table, so the host can run
 * a signal handler at a blocking point).
 */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define SPHERE_IMPORT(name) __attribute__((import_module("applibs"), import_name(name)))

/* Log_Debug: the already formatted text (formatting happens in the module). */
SPHERE_IMPORT("log_write") int32_t __sphere_log_write(const char *text, uint32_t length);

/* GPIO: open returns an fd. Gate: Capabilities.Gpio lists the GPIO number. */
SPHERE_IMPORT("gpio_open_input") int32_t __sphere_gpio_open_input(int32_t gpioId);
SPHERE_IMPORT("gpio_open_output") int32_t __sphere_gpio_open_output(int32_t gpioId, uint32_t outputMode, uint32_t initialValue);
SPHERE_IMPORT("gpio_set_value") int32_t __sphere_gpio_set_value(int32_t fd, uint32_t value);
/* Writes one byte (0 or 1) at outValue. */
SPHERE_IMPORT("gpio_get_value") int32_t __sphere_gpio_get_value(int32_t fd, uint8_t *outValue);

/* timerfd: clock 0 = CLOCK_REALTIME, 1 = CLOCK_MONOTONIC (the wrapper maps wasi-libc's clockid
 * pointers); flags: bit 0 = non-blocking (TFD_NONBLOCK). settime flags: bit 0 = absolute time
 * (TFD_TIMER_ABSTIME). A timer spec is four int64 values: interval seconds, interval nanoseconds,
 * value seconds, value nanoseconds (not struct itimerspec, whose padding differs). oldSpec may
 * be 0. read() on the fd gives the 8-byte expiry count (EAGAIN when none and non-blocking). */
SPHERE_IMPORT("timerfd_create") int32_t __sphere_timerfd_create(uint32_t clock, uint32_t flags);
SPHERE_IMPORT("timerfd_settime") int32_t __sphere_timerfd_settime(int32_t fd, uint32_t flags, const int64_t *newSpec, int64_t *oldSpec);
SPHERE_IMPORT("timerfd_gettime") int32_t __sphere_timerfd_gettime(int32_t fd, int64_t *curSpec);

/* Signals: kind 0 = default action, 1 = ignore, 2 = handler (a function-table index taking an
 * int). The host runs a handler while the app is blocked in poll_oneoff or fd_read (that call
 * then fails with EINTR), or at the next host call. Only SIGTERM (15) is ever raised. */
SPHERE_IMPORT("signal_action") int32_t __sphere_signal_action(int32_t signum, uint32_t kind, uint32_t handler);
/* sigprocmask for SIGTERM: how 0 = SIG_BLOCK, 1 = SIG_UNBLOCK, 2 = SIG_SETMASK; blocked is 1 or 0
 * (SIGTERM's bit of the set). Returns the previous blocked state (0 or 1). */
SPHERE_IMPORT("signal_mask") int32_t __sphere_signal_mask(uint32_t how, uint32_t blocked);
/* sigtimedwait for SIGTERM: waits until it is pending (returns 15, consuming it) or the timeout
 * (in ns; negative = forever) passes (-EAGAIN). */
SPHERE_IMPORT("signal_wait") int32_t __sphere_signal_wait(int64_t timeoutNs);

/* Storage. Gate: Capabilities.MutableStorage.SizeKB > 0 for the mutable file. */
SPHERE_IMPORT("storage_open_mutable") int32_t __sphere_storage_open_mutable(void);
SPHERE_IMPORT("storage_delete_mutable") int32_t __sphere_storage_delete_mutable(void);
/* A read-only fd of a regular file of the image package; the path is relative, already checked. */
SPHERE_IMPORT("storage_open_image_file") int32_t __sphere_storage_open_image_file(const char *path, uint32_t length);
/* Writes the absolute folder of the image package (no trailing slash, no NUL) into buf and
 * returns its length; -ERANGE when capacity is too small. */
SPHERE_IMPORT("storage_image_root") int32_t __sphere_storage_image_root(char *buf, uint32_t capacity);

/* Networking and device authentication: write one byte (bool). */
SPHERE_IMPORT("networking_is_ready") int32_t __sphere_networking_is_ready(bool *outReady);
/* Interface status bits (Networking_InterfaceConnectionStatus) for a named interface; -ENODEV when unknown. */
SPHERE_IMPORT("networking_interface_status") int32_t __sphere_networking_interface_status(const char *name, uint32_t length, uint32_t *outStatus);
SPHERE_IMPORT("device_auth_ready") int32_t __sphere_device_auth_ready(bool *outReady);
/* The device certificate's path (no NUL) into buf; returns its length, -ERANGE when capacity is
 * too small. Gate: Capabilities.DeviceAuthentication. */
SPHERE_IMPORT("device_auth_cert_path") int32_t __sphere_device_auth_cert_path(char *buf, uint32_t capacity);
/* Whether the app may present the device certificate in TLS (DeviceAuth_CurlSslFunc): 0, or
 * -EAGAIN when the device holds no current certificate. Gate: Capabilities.DeviceAuthentication. */
SPHERE_IMPORT("device_auth_tls") int32_t __sphere_device_auth_tls(void);

/* Power: state 0 = reboot, 1 = power down for residencySeconds. Gate: PowerControls
 * (ForceReboot / ForcePowerDown / SetPowerProfile). Success means initiated: SIGTERM follows. */
SPHERE_IMPORT("power_transition") int32_t __sphere_power_transition(uint32_t state, uint32_t residencySeconds);
SPHERE_IMPORT("power_set_profile") int32_t __sphere_power_set_profile(uint32_t profile);

/* System events. register returns an fd that is readable while an event is pending. Gate:
 * SystemEventNotifications. next() writes event, status, max deferral minutes and update type
 * of the oldest pending event and returns 1, or returns 0 when none is pending. */
SPHERE_IMPORT("sysevent_register") int32_t __sphere_sysevent_register(uint32_t mask);
SPHERE_IMPORT("sysevent_unregister") int32_t __sphere_sysevent_unregister(void);
SPHERE_IMPORT("sysevent_next") int32_t __sphere_sysevent_next(uint32_t *event, uint32_t *status, uint32_t *maxDeferralMinutes, uint32_t *updateType);
/* Gate: SoftwareUpdateDeferral. */
SPHERE_IMPORT("sysevent_defer") int32_t __sphere_sysevent_defer(uint32_t event, uint32_t minutes);
SPHERE_IMPORT("sysevent_resume") int32_t __sphere_sysevent_resume(uint32_t event);

/* Applications: which 0 = total, 1 = user mode, 2 = peak user mode; returns KiB. */
SPHERE_IMPORT("memory_usage_kb") int32_t __sphere_memory_usage_kb(uint32_t which);
/* Writes the OS version text (no NUL) and returns its length; -ERANGE when it does not fit. */
SPHERE_IMPORT("os_version") int32_t __sphere_os_version(char *buf, uint32_t capacity);

/* Called by the SDK's sbrk wrapper (the toolchain links with -Wl,--wrap=sbrk) when the linear
 * memory cannot grow any more: the host notes that the app reached its memory cap. Returns 0. */
SPHERE_IMPORT("memory_denied") int32_t __sphere_memory_denied(uint32_t increment);

/* UART: an fd for UART id (4..8 = ISU0..ISU4). Gate: Capabilities.Uart lists "ISU<id-4>".
 * read()/write() on it never block (EAGAIN when nothing is there). */
SPHERE_IMPORT("uart_open") int32_t __sphere_uart_open(int32_t uartId, uint32_t baudRate, uint32_t dataBits, uint32_t parity, uint32_t stopBits, uint32_t flowControl);

/* I2C master: an fd for bus id (0..4 = ISU0..ISU4). Gate: Capabilities.I2cMaster lists "ISU<id>". */
SPHERE_IMPORT("i2c_open") int32_t __sphere_i2c_open(int32_t id);
/* what 0 = bus speed (Hz), 1 = timeout (ms), 2 = default target address (plain read()/write()). */
SPHERE_IMPORT("i2c_set") int32_t __sphere_i2c_set(int32_t fd, uint32_t what, uint32_t value);
/* One transaction with `address`: writes wlen bytes, then (repeated start) reads rlen bytes;
 * returns the bytes moved, or -ENXIO when nothing answers at that address. */
SPHERE_IMPORT("i2c_transfer") int32_t __sphere_i2c_transfer(int32_t fd, uint32_t address, const uint8_t *writeData, uint32_t writeLength, uint8_t *readData, uint32_t readLength);

/* PWM: an fd for controller n (0..2). Gate: Capabilities.Pwm lists "PWM-CONTROLLER-<n>".
 * apply reads a PwmState (period_nsec, dutyCycle_nsec, polarity, enabled: 16 bytes). */
SPHERE_IMPORT("pwm_open") int32_t __sphere_pwm_open(int32_t controller);
SPHERE_IMPORT("pwm_apply") int32_t __sphere_pwm_apply(int32_t fd, uint32_t channel, const void *state);

/* ADC: an fd for controller n (0). Gate: Capabilities.Adc lists "ADC-CONTROLLER-<n>". */
SPHERE_IMPORT("adc_open") int32_t __sphere_adc_open(int32_t controller);
SPHERE_IMPORT("adc_bits") int32_t __sphere_adc_bits(int32_t fd, uint32_t channel);
SPHERE_IMPORT("adc_set_reference") int32_t __sphere_adc_set_reference(int32_t fd, uint32_t channel, uint32_t millivolts);
/* Writes the channel's sample (uint32) at outValue. */
SPHERE_IMPORT("adc_poll") int32_t __sphere_adc_poll(int32_t fd, uint32_t channel, uint32_t *outValue);

/* SPI master: an fd for ISU bus id (0..4) and chip select (-1 = A, -2 = B). Gate:
 * Capabilities.SpiMaster lists "ISU<id>". set: what 0 = bus speed (Hz), 1 = mode (1..4), 2 = bit
 * order (1..2). transfer reads `count` SPIMaster_Transfer v1 structs (20 bytes each) and runs them
 * as one sequence with the chip select held; returns the bytes moved. */
SPHERE_IMPORT("spi_open") int32_t __sphere_spi_open(int32_t id, int32_t chipSelect, uint32_t csPolarity);
SPHERE_IMPORT("spi_set") int32_t __sphere_spi_set(int32_t fd, uint32_t what, uint32_t value);
SPHERE_IMPORT("spi_transfer") int32_t __sphere_spi_transfer(int32_t fd, const void *transfers, uint32_t count);

/* TCP sockets (sys/socket.h, socket.c). The fd is the host's and pollable: readable when data,
 * the peer's end, an error or (listening) a connection waits; writable once connected or failed.
 * wasi-libc's send(), recv(), shutdown() and accept() reach the host through WASI's sock_* calls,
 * read()/write()/close()/poll() through the fd calls. Only AF_INET (1) and SOCK_STREAM (6, with
 * SOCK_NONBLOCK 0x4000 / SOCK_CLOEXEC 0x2000) exist. Addresses are 4 bytes in network order,
 * ports host-order numbers. Gates: connect's address must be in AllowedConnections or have come
 * from resolving an allowed name (-EACCES, logged as a denial); bind's port must be in
 * AllowedTcpServerPorts (-EACCES). A blocking connect/recv/accept waits interruptibly. */
SPHERE_IMPORT("sock_open") int32_t __sphere_sock_open(int32_t domain, int32_t type);
SPHERE_IMPORT("sock_connect") int32_t __sphere_sock_connect(int32_t fd, const uint8_t *ip4, uint32_t port);
SPHERE_IMPORT("sock_bind") int32_t __sphere_sock_bind(int32_t fd, const uint8_t *ip4, uint32_t port);
SPHERE_IMPORT("sock_listen") int32_t __sphere_sock_listen(int32_t fd, int32_t backlog);
/* SOL_SOCKET (0x7fffffff) SO_ERROR (4: the pending error, cleared) and SO_TYPE (3); else -ENOPROTOOPT. */
SPHERE_IMPORT("sock_getopt") int32_t __sphere_sock_getopt(int32_t fd, int32_t level, int32_t name, int32_t *outValue);
/* Accepted and without effect (SO_REUSEADDR, SO_KEEPALIVE, TCP_NODELAY, timeouts). */
SPHERE_IMPORT("sock_setopt") int32_t __sphere_sock_setopt(int32_t fd, int32_t level, int32_t name, int32_t value);
/* peer 0: the local address (getsockname), 1: the peer's (getpeername). */
SPHERE_IMPORT("sock_name") int32_t __sphere_sock_name(int32_t fd, uint32_t peer, uint8_t *ip4, uint32_t *port);
/* getaddrinfo for one name: writes up to capacity IPv4 addresses (4 bytes each) and returns how
 * many, or a negative EAI_* code of netdb.h (not an errno): EAI_NONAME for a name that is not in
 * AllowedConnections (logged as a denial) or does not resolve, EAI_AGAIN while the network is
 * not ready. */
SPHERE_IMPORT("net_resolve") int32_t __sphere_net_resolve(const char *name, uint32_t length, uint8_t *ip4s, uint32_t capacity);

/* curl's easy interface (curl.c): the host carries out a whole transfer. The request is thirteen
 * 32-bit fields: url, cainfo, useragent, sslcert, sslkey (NUL-terminated strings or 0; the
 * files are paths in the image package), follow, maxredirs (-1: no limit), verifypeer,
 * verifyhost, timeout_ms, connect_timeout_ms (0: none), verbose, then device_auth
 * (SPHERE_DEVICE_AUTH_MAGIC: the host presents the device certificate with the device identity
 * key, for an app with DeviceAuthentication while device auth is ready, else the transfer is
 * -CURLE_SSL_CERTPROBLEM; any other value: not asked). perform blocks until the
 * transfer ends and returns a transfer id (>= 0) or -CURLcode; a host not in AllowedConnections
 * is -CURLE_COULDNT_RESOLVE_HOST (a name) or -CURLE_COULDNT_CONNECT (an address), logged as a
 * denial. read copies the response's header block (which 0) or body (1) from where the last
 * read stopped and returns the bytes copied (0 at the end). info: 0 = HTTP status, 1 = body size. */
struct __sphere_curl_request {
    const char *url, *cainfo, *useragent, *sslcert, *sslkey;
    int32_t follow, maxredirs, verifypeer, verifyhost, timeout_ms, connect_timeout_ms, verbose;
    int32_t device_auth;
};
/* A value no stray word holds, so that a request of an older app (twelve fields) never asks. */
#define SPHERE_DEVICE_AUTH_MAGIC 0x44415554
SPHERE_IMPORT("curl_perform") int32_t __sphere_curl_perform(const struct __sphere_curl_request *request);
SPHERE_IMPORT("curl_read") int32_t __sphere_curl_read(int32_t id, uint32_t which, void *buf, uint32_t capacity);
SPHERE_IMPORT("curl_info") int32_t __sphere_curl_info(int32_t id, uint32_t what);
SPHERE_IMPORT("curl_release") int32_t __sphere_curl_release(int32_t id);
