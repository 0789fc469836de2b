#ifndef AKSP_CNCURSES_SHIM_H
#define AKSP_CNCURSES_SHIM_H
/* SwiftPM drops the -D_XOPEN_SOURCE=600 that ncursesw.pc sets, which hides the wide
   API (cchar_t, setcchar, wget_wch, mvadd_wchnstr); ask for it explicitly. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <stdio.h>
#include <signal.h>
#include <langinfo.h>
#include <string.h>
#if __has_include(<ncursesw/curses.h>)
#  include <ncursesw/curses.h>
#else
#  include <curses.h>
#endif

/* Macros Swift cannot import become prefixed inline functions. */
typedef void *aksp_window;
static inline aksp_window aksp_stdscr(void) { return (aksp_window)stdscr; }
static inline attr_t aksp_a_normal(void)    { return A_NORMAL; }
static inline attr_t aksp_a_bold(void)      { return A_BOLD; }
static inline attr_t aksp_a_reverse(void)   { return A_REVERSE; }
static inline attr_t aksp_a_underline(void) { return A_UNDERLINE; }
static inline attr_t aksp_a_dim(void)       { return A_DIM; }
static inline int    aksp_color_pair(short n) { return COLOR_PAIR(n); }
static inline int    aksp_key_f(int n) { return KEY_F(n); }
static inline void   aksp_getmaxyx(aksp_window w, int *y, int *x) { getmaxyx((WINDOW *)w, *y, *x); }
/* Colour state: COLORS and COLOR_PAIRS are macros over functions in reentrant builds. */
static inline int    aksp_colors(void)      { return COLORS; }
static inline int    aksp_color_pairs(void) { return COLOR_PAIRS; }
static inline int    aksp_key_code_yes(void) { return KEY_CODE_YES; }

/* WINDOW is opaque on macOS and a struct on Linux; every window call goes through here. */
static inline int aksp_getmaxy(aksp_window w) { return getmaxy((WINDOW *)w); }
static inline int aksp_getmaxx(aksp_window w) { return getmaxx((WINDOW *)w); }
static inline int aksp_keypad(aksp_window w, int on)   { return keypad((WINDOW *)w, on ? TRUE : FALSE); }
static inline void aksp_wtimeout(aksp_window w, int ms) { wtimeout((WINDOW *)w, ms); }
static inline int aksp_intrflush(aksp_window w, int on) { return intrflush((WINDOW *)w, on ? TRUE : FALSE); }
static inline int aksp_clearok(aksp_window w, int on)  { return clearok((WINDOW *)w, on ? TRUE : FALSE); }
static inline int aksp_werase(aksp_window w) { return werase((WINDOW *)w); }
static inline int aksp_wclear(aksp_window w) { return wclear((WINDOW *)w); }
static inline int aksp_wnoutrefresh(aksp_window w) { return wnoutrefresh((WINDOW *)w); }
static inline int aksp_wget_wch(aksp_window w, wint_t *out) { return wget_wch((WINDOW *)w, out); }
static inline aksp_window aksp_curscr(void) { return (aksp_window)curscr; }
static inline int aksp_leaveok(aksp_window w, int on) { return leaveok((WINDOW *)w, on ? TRUE : FALSE); }

/* Writes one grapheme (a spacing wchar plus up to CCHARW_MAX-1 combining marks) at y,x.
   Returns ERR when setcchar rejects the string, so the caller can fall back to ASCII. */
static inline int aksp_put_cell(aksp_window w, int y, int x, const wchar_t *wch,
                                attr_t attrs, short pair) {
    cchar_t cc;
    if (setcchar(&cc, wch, attrs, pair, NULL) == ERR) return ERR;
    return mvwadd_wch((WINDOW *)w, y, x, &cc);
}
static inline int aksp_ccharw_max(void) { return CCHARW_MAX; }
/* wchar.h declares wcwidth only under _XOPEN_SOURCE, which SwiftPM strips (see above). */
int wcwidth(wchar_t c);
static inline int aksp_wcwidth(wchar_t c) { return wcwidth(c); }

/* Reads back the wide string stored at y,x (tests compare the curses grid with a Screen). */
static inline int aksp_read_cell(aksp_window w, int y, int x, wchar_t *out, int capacity,
                                 attr_t *attrs, short *pair) {
    cchar_t cc;
    if (capacity < CCHARW_MAX + 1) return ERR;
    if (mvwin_wch((WINDOW *)w, y, x, &cc) == ERR) return ERR;
    return getcchar(&cc, out, attrs, pair, NULL);
}
static inline int aksp_read_row(aksp_window w, int y, wchar_t *out, int n) {
    return mvwinnwstr((WINDOW *)w, y, 0, out, n);
}

/* Signal trap. The handler only stores the signal number in a sig_atomic_t; the input loop
   polls it (wget_wch returns within the input timeout, or at once on EINTR). The slot is a
   function-local static of an internal-linkage function, so every Swift object file that
   calls these gets its own copy: call them from ONE Swift file only (SignalTrap.swift). */
static inline volatile sig_atomic_t *aksp_signal_slot(void) {
    static volatile sig_atomic_t slot = 0;
    return &slot;
}
static void aksp_record_signal(int signo) { *aksp_signal_slot() = signo; }
/* No SA_RESTART: a blocking read must return EINTR so the loop sees the flag promptly. */
static inline int aksp_trap_signal(int signo, struct sigaction *previous) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = aksp_record_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    return sigaction(signo, &sa, previous);
}
static inline int aksp_ignore_signal(int signo, struct sigaction *previous) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    return sigaction(signo, &sa, previous);
}
static inline int aksp_restore_signal(int signo, const struct sigaction *previous) {
    return sigaction(signo, previous, NULL);
}
static inline int aksp_signal_was_ignored(const struct sigaction *sa) {
    return sa->sa_handler == SIG_IGN;
}
static inline int aksp_take_signal(void) {
    int s = (int)*aksp_signal_slot();
    *aksp_signal_slot() = 0;
    return s;
}
#endif
