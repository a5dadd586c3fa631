from jit_kanban_runtime.cli import main

if __name__ == '__main__':
    main()
