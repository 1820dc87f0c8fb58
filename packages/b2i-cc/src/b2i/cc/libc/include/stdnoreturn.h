/* stdnoreturn.h (C11 7.23): noreturn for _Noreturn. */
#ifndef _STDNORETURN_H
#define _STDNORETURN_H
#define noreturn _Noreturn
#endif
