// SPDX-License-Identifier: Apache-2.0
// A terminal's settings and size, read and set on a pseudo-terminal the
// helper opens, for the termios and winsize decoding against strace.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master))
        return 1;
    int tty = open(ptsname(master), O_RDWR | O_NOCTTY);
    struct termios saved, raw;
    if (tty < 0 || tcgetattr(tty, &saved))  // TCGETS
        return 1;
    raw = saved;
    cfmakeraw(&raw);
    cfsetspeed(&raw, B9600);
    tcsetattr(tty, TCSAFLUSH, &raw);   // TCSETSF
    tcsetattr(tty, TCSANOW, &saved);   // TCSETS
    struct winsize size = {.ws_row = 50, .ws_col = 132};
    ioctl(tty, TIOCSWINSZ, &size);
    ioctl(tty, TIOCGWINSZ, &size);
    return 0;
}
