# Build and install aksposture.
#   make                      release build
#   make install PREFIX=/usr/local [DESTDIR=/tmp/pkg]
#   make uninstall PREFIX=/usr/local
# The man page comes from swift-argument-parser's generate-manual tool (the generate-manual
# plugin's), which reads the command tree with --experimental-dump-help.

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
INSTALL ?= install

BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d

BIN = .build/release/aksposture
GEN = .build/generated

.PHONY: all build man completions install uninstall clean-generated

all: build

build:
	$(SWIFT) build -c release --product aksposture

# `plugin generate-manual --help` only builds swift-argument-parser's generate-manual tool; the
# plugin proper would also run it on every other executable of the package (aksposture-bench is
# not an ArgumentParser command and makes it fail), so the tool is run on our binary directly.
man: build
	$(SWIFT) package plugin generate-manual --help > /dev/null
	@mkdir -p $(GEN)/man-raw
	"$$(find .build -type f -name generate-manual-tool -perm -u+x | head -n 1)" $(BIN) --output-directory $(GEN)/man-raw
	Scripts/man-page.sh $(GEN)/man-raw/aksposture.1 $(GEN)/aksposture.1

completions: build
	@mkdir -p $(GEN)
	$(BIN) --generate-completion-script bash > $(GEN)/aksposture.bash
	$(BIN) --generate-completion-script zsh > $(GEN)/_aksposture
	$(BIN) --generate-completion-script fish > $(GEN)/aksposture.fish

install: build man completions
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)" "$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)"
	$(INSTALL) -m 0755 $(BIN) "$(DESTDIR)$(BINDIR)/aksposture"
	$(INSTALL) -m 0644 $(GEN)/aksposture.1 "$(DESTDIR)$(MANDIR)/aksposture.1"
	$(INSTALL) -m 0644 $(GEN)/aksposture.bash "$(DESTDIR)$(BASHCOMPDIR)/aksposture"
	$(INSTALL) -m 0644 $(GEN)/_aksposture "$(DESTDIR)$(ZSHCOMPDIR)/_aksposture"
	$(INSTALL) -m 0644 $(GEN)/aksposture.fish "$(DESTDIR)$(FISHCOMPDIR)/aksposture.fish"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/aksposture" "$(DESTDIR)$(MANDIR)/aksposture.1" \
	      "$(DESTDIR)$(BASHCOMPDIR)/aksposture" "$(DESTDIR)$(ZSHCOMPDIR)/_aksposture" \
	      "$(DESTDIR)$(FISHCOMPDIR)/aksposture.fish"

clean-generated:
	rm -rf $(GEN)
