"""The kernel: what every other layer of ldnderm may use, importing nothing else from ldnderm.

- :mod:`.errors`: the one error tree of the domain;
- :mod:`.version`: the data directory and the knowledge version every result records;
- :mod:`.yamlio`: reading the YAML data files;
- :mod:`.model`: the frozen base model of domain values;
- :mod:`.readers`: strict readers of input documents (parsed JSON), naming the field at fault;
- :mod:`.codes`: code-system URIs and the naltrexone code list, each defined once.
"""
