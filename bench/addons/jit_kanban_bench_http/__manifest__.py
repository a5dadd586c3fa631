{
    'name': 'Kanban benchmark: bare procurement over HTTP',
    'summary': 'Benchmark only: loaded with --load by bench/http_load.py, never installed',
    'version': '11.0.1.0.0',
    'license': 'LGPL-3',
    'depends': ['jit_kanban'],
    'installable': False,
}
