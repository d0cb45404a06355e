/*
 * TCP round-trip benchmark (bench/net.bench.ts): connects to 127.0.0.1:<port> (the first
 * argument), then sends 32 bytes and waits for the 32 that come back, <count> times (the second),
 * with blocking send/recv; logs "tcp-rtt: N round trips in X us".
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <applibs/log.h>

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int main(int argc, char *argv[])
{
    if (argc < 3) return 1;
    int count = atoi(argv[2]);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)atoi(argv[1]));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        Log_Debug("tcp-rtt: connect failed\n");
        return 2;
    }
    char out[32], in[32];
    memset(out, 'x', sizeof out);
    long long t0 = now_us();
    for (int i = 0; i < count; i++) {
        if (send(s, out, sizeof out, 0) != (ssize_t)sizeof out) return 3;
        size_t got = 0;
        while (got < sizeof in) {
            ssize_t n = recv(s, in + got, sizeof in - got, 0);
            if (n <= 0) return 4;
            got += (size_t)n;
        }
    }
    Log_Debug("tcp-rtt: %d round trips in %lld us\n", count, now_us() - t0);
    return 0;
}
