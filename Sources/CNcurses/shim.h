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
#endif
