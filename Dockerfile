# omaudit in a container: a slim Python base, a non-root user, the wheel with its pinned constraints.
#   make dist && docker build -t omaudit:0.1.0 .
#   docker run --rm -e OMAUDIT_OM_TOKEN omaudit:0.1.0 scan --om-url https://om.example.com --format json
# The HCL grammar's cache (lark writes it beside python-hcl2 on first use) is made at build time, as
# root: user 10001 cannot write there, and would compile the grammar on every run (about 2 s).
# Not built on the development machine (no container engine there): tests/test_install.py runs the
# same pip install line in a fresh venv and scans a lab with the result.
FROM python:3.11-slim
ARG VERSION=0.1.0
COPY dist/omaudit-${VERSION}-py3-none-any.whl constraints.txt /tmp/install/
RUN pip install --no-cache-dir -c /tmp/install/constraints.txt /tmp/install/omaudit-${VERSION}-py3-none-any.whl \
    && rm -rf /tmp/install \
    && python -c "import hcl2.api; hcl2.api.parses_to_tree('a = 1')" \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin omaudit
USER 10001
WORKDIR /home/omaudit
ENTRYPOINT ["omaudit"]
CMD ["--help"]
