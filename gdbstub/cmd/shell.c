// SPDX-License-Identifier: GPL-2.0-only
/*
 * `sevdbg shell`: a readline loop (history, completion, Ctrl-C that stops
 * the running command but not the shell) and prompt-less scripts.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <jansson.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "gdbstub/cmd/cmd.h"
#include "gdbstub/cmd/expr.h"
#include "gdbstub/cmd/shell.h"
#include "gdbstub/cmd/sym.h"
#include "sevdbg/regs.h"
#include "sevdbg/util.h"

#define SHELL_PROMPT	  "(sevdbg) "
#define SHELL_HISTORY_MAX 1000

/*
 * A signal handler and readline's callbacks take no context pointer, so
 * these are file-scope: the SIGINT flag the session points at, the
 * SIGTERM/SIGHUP flag (leave cleanly, so a launched QEMU is not orphaned),
 * the shell whose symbols completion offers, and the line readline gave us.
 */
static volatile int shell_sigint;
static volatile int shell_sigterm;
static struct shell *shell_current;
static struct {
	char *line;
	bool done;
} shell_rl;

static void shell_on_signal(int sig)
{
	if (sig != SIGINT)
		shell_sigterm = 1;
	shell_sigint = 1; /* either way, stop the running command */
}

static int shell_history_path(struct shell *sh)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return -ENOENT;
	if ((size_t)snprintf(sh->history, sizeof(sh->history),
			     "%s/.sevdbg_history", home) >= sizeof(sh->history))
		sh->history[0] = '\0';
	return 0;
}

int shell_init(struct shell *sh, struct session *s)
{
	struct sigaction sa;

	memset(sh, 0, sizeof(*sh));
	sh->s = s;
	sh->env.syntax = CMD_SYNTAX_ATT;
	shell_history_path(sh);
	/* No SA_RESTART: select() and reads return EINTR on Ctrl-C. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = shell_on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -errno;
	shell_sigint = 0;
	shell_sigterm = 0;
	sh->interrupted = &shell_sigint;
	shell_current = sh;
	return 0;
}

void shell_release(struct shell *sh)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	shell_current = NULL;
	sym_free(sh->env.syms);
	sh->env.syms = NULL;
}

static bool shell_is_quit(const char *line)
{
	char word[8];

	if (sscanf(line, " %7s", word) != 1)
		return false;
	return !strcmp(word, "quit") || !strcmp(word, "exit") ||
	       !strcmp(word, "q");
}

static bool shell_is_blank(const char *line)
{
	const char *p = line + strspn(line, " \t");

	return !*p || *p == '#';
}

/*
 * --json: what a command without JSON output printed becomes
 * {"output": TEXT}, and a failure {"error": TEXT}, so that a script's
 * stdout is one JSON value per command (for jq).
 */
static void shell_put_json(const struct cmd_ctx *ctx, int ret,
			   const struct strbuf *out)
{
	const char *text = out->buf ? out->buf : "";
	char *dump;
	json_t *o;

	if (ret >= 0 && ctx->json) {
		fwrite(text, 1, out->len, stdout);
		return;
	}
	if (ret < 0 && !strncmp(text, "error: ", 7))
		text += 7;
	o = json_pack("{s:s}", ret < 0 ? "error" : "output", text);
	dump = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
	if (dump)
		printf("%s\n", dump);
	else
		puts("{\"error\": \"out of memory\"}");
	free(dump);
	json_decref(o);
}

int shell_line(struct shell *sh, const char *line)
{
	struct cmd_ctx ctx = {.s = sh->s, .env = &sh->env};
	struct strbuf out;
	int ret;

	if (shell_sigterm || shell_is_quit(line))
		return 1;
	/* gdb's habit on a terminal: Enter repeats x, dis and step. */
	if (shell_is_blank(line) && sh->repeat && sh->env.repeat &&
	    !line[strspn(line, " \t")])
		line = sh->env.repeat;
	if (shell_is_blank(line))
		return 0;
	sb_init(&out);
	ctx.out = &out;
	shell_sigint = 0;
	ret = cmd_exec(&ctx, line);
	shell_sigint = 0;
	if (sh->env.json)
		shell_put_json(&ctx, ret, &out);
	else if (out.len)
		fwrite(out.buf, 1, out.len, stdout);
	if (out.oom)
		fputs("error: output truncated (out of memory)\n", stdout);
	fflush(stdout);
	sb_release(&out);
	if (ret < 0)
		sh->failures++;
	return ret < 0 ? ret : 0;
}

int shell_script(struct shell *sh, FILE *f, const char *name)
{
	size_t cap = 0;
	char *line = NULL;
	int lineno = 0, ret, last = 0;

	while (!shell_sigterm && getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (sh->echo && line[strspn(line, " \t")] &&
		    line[strspn(line, " \t")] != '#')
			printf("%s%s\n", SHELL_PROMPT, line);
		ret = shell_line(sh, line);
		if (ret == 1)
			break;
		if (ret == 0)
			continue;
		last = ret;
		fprintf(stderr, "sevdbg: %s:%d: `%s` failed%s\n", name, lineno,
			line,
			sh->keep_going
				? ""
				: "; stopping (--keep-going runs the rest)");
		if (!sh->keep_going)
			break;
	}
	free(line);
	return shell_sigterm ? -EINTR : last;
}

/* --- completion -------------------------------------------------------- */

static char *complete_words(const char *text, int state,
			    const char *const *extra)
{
	static size_t idx;
	const struct cmd *tab = cmd_table();
	size_t len = strlen(text), n;

	if (!state)
		idx = 0;
	for (n = 0; tab[n].name; n++)
		;
	while (idx < n) {
		const char *name = tab[idx++].name;

		if (!strncmp(name, text, len))
			return strdup(name);
	}
	while (extra && extra[idx - n]) {
		const char *w = extra[idx++ - n];

		if (!strncmp(w, text, len))
			return strdup(w);
	}
	return NULL;
}

static char *complete_command(const char *text, int state)
{
	static const char *const extra[] = {"quit", NULL};

	return complete_words(text, state, extra);
}

/* $rip, $cr3, ... and gdb's $pc $sp $fp $ps. */
static char *complete_register(const char *text, int state)
{
	static size_t idx;
	size_t len = strlen(text + 1), naliases = 0;
	char name[32];

	if (!state)
		idx = 0;
	while (expr_reg_aliases[naliases][0])
		naliases++;
	while (idx < REGS_ST0 + naliases) {
		const char *n = idx < REGS_ST0
					? regs_desc[idx].name
					: expr_reg_aliases[idx - REGS_ST0][0];

		idx++;
		if (!strncmp(n, text + 1, len)) {
			snprintf(name, sizeof(name), "$%s", n);
			return strdup(name);
		}
	}
	return NULL;
}

static char *complete_symbol(const char *text, int state)
{
	static size_t idx;
	const struct symtab *st =
		shell_current ? shell_current->env.syms : NULL;
	size_t len = strlen(text);
	const struct sym *sym;

	if (text[0] == '$')
		return complete_register(text, state);
	if (!state)
		idx = 0;
	while ((sym = sym_nth(st, idx++)))
		if (!strncmp(sym->name, text, len))
			return strdup(sym->name);
	return NULL;
}

static char *complete_syntax(const char *text, int state)
{
	static const char *const words[] = {"syntax", "intel", "att", NULL};
	static size_t idx;
	size_t len = strlen(text);

	if (!state)
		idx = 0;
	while (words[idx])
		if (!strncmp(words[idx++], text, len))
			return strdup(words[idx - 1]);
	return NULL;
}

static char **shell_complete(const char *text, int start, int end)
{
	const char *buf = rl_line_buffer;
	size_t lead = strspn(buf, " \t");
	size_t wlen = strcspn(buf + lead, " \t/");

	(void)end;
	rl_attempted_completion_over = 1; /* never file names */
	if ((size_t)start <= lead)
		return rl_completion_matches(text, complete_command);
	if (wlen == 4 && !strncmp(buf + lead, "help", 4))
		return rl_completion_matches(text, complete_command);
	if (wlen == 3 && !strncmp(buf + lead, "set", 3))
		return rl_completion_matches(text, complete_syntax);
	return rl_completion_matches(text, complete_symbol);
}

/* --- the readline loop --------------------------------------------------- */

static void shell_history_add(struct shell *sh, const char *line)
{
	HIST_ENTRY *last =
		history_length ? history_get(history_base + history_length - 1)
			       : NULL;
	int fd;

	if (!line[strspn(line, " \t")] || (last && !strcmp(last->line, line)))
		return;
	add_history(line);
	if (!sh->history[0])
		return;
	/* Create it private: commands can carry addresses and secrets. */
	fd = open(sh->history, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	close(fd);
	append_history(1, sh->history);
}

static void shell_on_line(char *line)
{
	shell_rl.line = line;
	shell_rl.done = true;
	rl_callback_handler_remove();
}

/* Ctrl-C at the prompt: drop the half-typed line, show a fresh prompt. */
static void shell_prompt_interrupted(void)
{
	shell_sigint = 0;
	rl_free_line_state();
	rl_replace_line("", 0);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

/*
 * One line from the terminal; NULL at Ctrl-D. The signals stay blocked
 * except inside pselect(), so a Ctrl-C that lands while readline works on
 * a key is seen before the next wait instead of leaving pselect() asleep.
 */
static char *shell_readline(void)
{
	sigset_t block, old;
	fd_set fds;
	int fd;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	shell_rl.line = NULL;
	shell_rl.done = false;
	rl_callback_handler_install(SHELL_PROMPT, shell_on_line);
	fd = fileno(rl_instream ? rl_instream : stdin); /* set by the install */
	while (!shell_rl.done) {
		if (shell_sigterm)
			break;
		if (shell_sigint)
			shell_prompt_interrupted();
		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		if (pselect(fd + 1, &fds, NULL, NULL, NULL, &old) < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		rl_callback_read_char();
	}
	if (!shell_rl.done)
		rl_callback_handler_remove();
	sigprocmask(SIG_SETMASK, &old, NULL);
	return shell_rl.line;
}

int shell_interactive(struct shell *sh)
{
	char *line;
	int ret = 0;

	sh->repeat = true;
	rl_catch_signals = 0; /* our SIGINT handler, not readline's */
	rl_readline_name = "sevdbg";
	rl_attempted_completion_function = shell_complete;
	/* Words of an expression complete on their own: *(init_t<Tab>. */
	rl_basic_word_break_characters = " \t+-*/()&:";
	using_history();
	stifle_history(SHELL_HISTORY_MAX);
	if (sh->history[0])
		read_history(sh->history);
	for (;;) {
		line = shell_readline();
		if (!line) {
			putchar('\n');
			break;
		}
		shell_history_add(sh, line);
		ret = shell_line(sh, line);
		free(line);
		if (ret == 1) {
			ret = 0;
			break;
		}
	}
	if (sh->history[0])
		history_truncate_file(sh->history, SHELL_HISTORY_MAX);
	return 0;
}
